import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { addOnAir } from '../../lib/app';
import { loadConfig } from '../../lib/config/load';
import { cdkJsonContext } from '../helpers';

/** The SRT example's cloud assembly, synthesized as `cdk synth` writes it (assets staged). */
function synthesizeSrtExample() {
  const outdir = mkdtempSync(join(tmpdir(), 'onair-srt-'));
  const app = new App({ outdir, context: { ...cdkJsonContext() }, builtinCloudFormationValidation: false });
  const stacks = addOnAir(app, loadConfig('config/examples/srt.json'), { nag: false });
  const assembly = app.synth();
  const template = assembly.getStackByName(stacks.platform.stackName).template as {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    Outputs?: Record<string, unknown>;
  };
  return { outdir, template };
}

describe('config/examples/srt.json: SRT channels beside an RTMP one', () => {
  const { outdir, template } = synthesizeSrtExample();
  const resources = Object.entries(template.Resources);
  const passphrases = resources.filter(
    ([id, r]) => r.Type === 'AWS::SecretsManager::Secret' && id.includes('IngestPassphrase'),
  );

  test('one passphrase secret per SRT channel, one stream key for the RTMP channel', () => {
    expect(passphrases.map(([id]) => id.replace(/IngestPassphrase.*/, ''))).toEqual([
      'Channelstudio',
      'Channelfield',
    ]);
    const keys = resources.filter(
      ([id, r]) => r.Type === 'AWS::SecretsManager::Secret' && id.includes('StreamKey'),
    );
    expect(keys.map(([id]) => id.replace(/IngestStreamKey.*/, ''))).toEqual(['Channellobby']);
    const inputs = resources
      .filter(([, r]) => r.Type === 'AWS::MediaLive::Input')
      .map(([, r]) => r.Properties?.Type);
    expect(inputs.sort()).toEqual(['RTMP_PUSH', 'SRT_LISTENER', 'SRT_LISTENER']);
  });

  test('no passphrase in the cloud assembly: generated at deploy, named by ARN, never resolved or output', () => {
    for (const [, secret] of passphrases) {
      expect(secret.Properties?.SecretString).toBeUndefined();
      expect(secret.Properties?.GenerateSecretString).toBeDefined();
    }
    const ids = passphrases.map(([id]) => id);
    const files = readdirSync(outdir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) {
      const text = readFileSync(join(outdir, f), 'utf8');
      // A dynamic reference would put the value into a resource property at deploy.
      for (const id of ids) expect(text).not.toMatch(new RegExp(`resolve:secretsmanager:[^"]*${id}`));
      expect(text).not.toMatch(/passphrase=/i);
    }
    // Outputs name no passphrase secret at all (not even its ARN).
    expect(JSON.stringify(template.Outputs ?? {})).not.toMatch(/IngestPassphrase/);
  });

  test('the functions learn which channels are SRT from the registry', () => {
    const fn = resources.find(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('StreamKeysIngestFn'),
    );
    if (fn === undefined) throw new Error('no ingest function');
    const env = fn[1].Properties?.Environment as { Variables: Record<string, unknown> };
    const raw = env.Variables.ONAIR_CHANNELS as { 'Fn::Join': [string, unknown[]] };
    // The registry is a Fn::Join of literal JSON and tokens; its literal parts carry "t".
    const literal = raw['Fn::Join'][1].filter((p) => typeof p === 'string').join('');
    expect(literal.match(/"t":"SRT_LISTENER"/g)).toHaveLength(2);
  });
});
