import { Env, type EnvContract, FUNCTION_ENV, readEnv } from '../../../../lambda/shared/contract';
import { loadConfig } from '../../../../lib/config/load';
import { type SynthesizedFunction, synthesizedFunctions } from '../../../support/bundles';

/** What AppFunction sets on every function besides its contract (Powertools and source maps). */
const ALWAYS_SET = [
  'NODE_OPTIONS',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_SERVICE_NAME',
];

const name = (f: SynthesizedFunction) => `${f.entry}.${f.handler}`;

function contractOf(f: SynthesizedFunction): EnvContract {
  const contract = FUNCTION_ENV[f.entry]?.[f.handler];
  if (contract === undefined)
    throw new Error(`no environment contract for ${name(f)} (lambda/shared/contract/env.ts)`);
  return contract;
}

function ownKeys(f: SynthesizedFunction): string[] {
  return Object.keys(f.environment)
    .filter((k) => !ALWAYS_SET.includes(k))
    .sort();
}

describe('every function gets exactly the environment its contract declares', () => {
  const defaults = synthesizedFunctions(loadConfig('config/default.json'));
  // Every optional variable in use: previous signing key, webhook, jwt, scheduled rotation, …
  const everything = synthesizedFunctions(loadConfig('config/examples/all-features.json'));

  test.each([
    ['the default config', defaults],
    ['every optional feature', everything],
  ])('%s: AppFunction sets Powertools and source maps on every function', (_config, functions) => {
    expect(functions.length).toBeGreaterThan(0);
    for (const f of functions) expect(Object.keys(f.environment)).toEqual(expect.arrayContaining(ALWAYS_SET));
  });

  test('the default config: every required variable, and no variable outside the contract', () => {
    for (const f of defaults) {
      const { required, optional } = contractOf(f);
      const keys = ownKeys(f);
      expect({ function: name(f), missing: required.filter((k) => !keys.includes(k)) }).toEqual({
        function: name(f),
        missing: [],
      });
      expect({
        function: name(f),
        extra: keys.filter((k) => !(required as string[]).concat(optional).includes(k)),
      }).toEqual({
        function: name(f),
        extra: [],
      });
    }
  });

  test('every optional feature: exactly the required and the optional variables', () => {
    for (const f of everything) {
      const { required, optional } = contractOf(f);
      expect({ function: name(f), keys: ownKeys(f) }).toEqual({
        function: name(f),
        keys: [...required, ...optional].sort(),
      });
    }
  });

  test('every contract belongs to a synthesized function', () => {
    const synthesized = new Set(everything.map(name));
    const declared = Object.entries(FUNCTION_ENV).flatMap(([entry, handlers]) =>
      Object.keys(handlers).map((handler) => `${entry}.${handler}`),
    );
    expect(declared.filter((d) => !synthesized.has(d))).toEqual([]);
  });
});

describe('readEnv', () => {
  const contract = {
    required: [Env.STAGE, Env.STATUS_TABLE],
    optional: [Env.WEBHOOK_SECRET_ARN],
  } as const satisfies EnvContract;

  test('reads the required variables (empty is a value) and the optional ones that are set', () => {
    expect(
      readEnv(contract, {
        ONAIR_STAGE: 'dev',
        ONAIR_STATUS_TABLE: '',
        ONAIR_WEBHOOK_SECRET_ARN: 'arn',
      }),
    ).toEqual({
      ONAIR_STAGE: 'dev',
      ONAIR_STATUS_TABLE: '',
      ONAIR_WEBHOOK_SECRET_ARN: 'arn',
    });
  });

  test('an empty optional variable counts as not set; variables outside the contract are not read', () => {
    expect(
      readEnv(contract, {
        ONAIR_STAGE: 'dev',
        ONAIR_STATUS_TABLE: 'a',
        ONAIR_WEBHOOK_SECRET_ARN: '',
        ONAIR_REGISTRY_TABLE: 'r',
      }),
    ).toEqual({ ONAIR_STAGE: 'dev', ONAIR_STATUS_TABLE: 'a' });
  });

  test('fails naming a required variable that is not set (a deployment error)', () => {
    expect(() => readEnv(contract, { ONAIR_STAGE: 'dev' })).toThrow('ONAIR_STATUS_TABLE is not set');
  });
});
