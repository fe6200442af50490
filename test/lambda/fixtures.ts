import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Registry } from '../../lambda/shared/registry';

export const ACCOUNT = '111122223333';
export const REGION = 'us-west-2';

/** Two channels: "main" (SINGLE_PIPELINE) and "studio" (STANDARD). */
export const REGISTRY: Registry = {
  main: {
    ml: '1234567',
    in: '7654321',
    key: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:main-key-AbCdEf`,
    mp: 'OnAir-test-main',
    app: 'main',
    p: 1,
  },
  studio: {
    ml: '2345678',
    in: '8765432',
    key: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:studio-key-AbCdEf`,
    mp: 'OnAir-test-studio',
    app: 'studio',
    p: 2,
  },
};

export function channelArn(mlId: string): string {
  return `arn:aws:medialive:${REGION}:${ACCOUNT}:channel:${mlId}`;
}

/** A Powertools logger that writes nothing. */
export const quietLogger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

/** An error shaped like the SDK's service exceptions. */
export function awsError(name: string, status = 400, fault: 'client' | 'server' = 'client'): Error {
  return Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

/** A Lambda context as the Node.js runtime passes it (remaining time fixed unless overridden). */
export function lambdaContext(overrides: Partial<Context> = {}): Context {
  const functionName = 'onair-test-function';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/12/01/[$LATEST]abcdef0123456789',
    getRemainingTimeInMillis: () => 10_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
    ...overrides,
  };
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
