import type { Registry } from '../../lambda/shared/registry';

export const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:OnAirStreamKey-AbCdEf';
export const CHANNEL_ARN = 'arn:aws:medialive:eu-west-1:111122223333:channel:1234567';

/** Two channels: "main" (STANDARD, 2 endpoints) and "side" (SINGLE_PIPELINE). */
export const REGISTRY: Registry = {
  main: { ml: '1234567', in: '7654321', key: SECRET_ARN, mp: 'mp-main', app: 'main', p: 2 },
  side: {
    ml: '2222222',
    in: '3333333',
    key: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:OnAirSide-XyZxYz',
    mp: 'mp-side',
    app: 'side',
    p: 1,
  },
};

export function useRegistry(): void {
  process.env.ONAIR_CHANNELS = JSON.stringify(REGISTRY);
}

/** An SDK-shaped error as the client throws it after its retries. */
export function awsError(name: string, fault: 'client' | 'server' = 'client', status = 400): Error {
  return Object.assign(new Error(`${name} (test)`), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status },
  });
}

/** Captures everything written to stdout/stderr (Powertools logs) while `fn` runs. */
export async function captureLogs<T>(fn: () => Promise<T>): Promise<{ result: T; logs: string }> {
  const chunks: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  try {
    const result = await fn();
    return { result, logs: chunks.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** The Powertools log entry (one JSON line) with this message; fails when there is none. */
export function logEntry(logs: string, message: string): Record<string, unknown> {
  const line = logs.split('\n').find((l) => l.includes(`"message":${JSON.stringify(message)}`));
  if (line === undefined) throw new Error(`no log entry "${message}" in:\n${logs}`);
  return JSON.parse(line) as Record<string, unknown>;
}

/**
 * Makes the backoff sleeps of the code under test (timers ≤ 3.2 s) fire at once, for handler
 * tests that cannot inject a sleep; longer timers (jest's own) are untouched. Undo with
 * jest.restoreAllMocks().
 */
export function instantBackoff(): void {
  const realSetTimeout = global.setTimeout;
  jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
    if ((ms ?? 0) <= 3_200) {
      fn();
      return 0;
    }
    return realSetTimeout(fn, ms);
  }) as never);
}
