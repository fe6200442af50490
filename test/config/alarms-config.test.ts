import { ConfigError, parseConfig } from '../../lib/config/load';

const channel = { id: 'main', input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] } };

function problems(alarms: unknown): string[] {
  try {
    parseConfig({ stage: 'test', channels: [channel], alarms });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

test('alarms defaults: no emails, no webhook, documented thresholds', () => {
  expect(parseConfig({ stage: 'test', channels: [channel] }).alarms).toEqual({
    emails: [],
    webhook: false,
    thresholds: {
      evaluationMinutes: 3,
      activeAlerts: 1,
      inputLossSecondsPerMinute: 10,
      minInputFrameRate: 15,
      droppedFramesPerMinute: 30,
      outputErrorsPerMinute: 5,
      ingressBytesPerMinute: 0,
      egress5xxPerMinute: 10,
      cdn5xxErrorRatePercent: 5,
      cdnOriginLatencyMs: 3000,
    },
  });
});

test('a partial thresholds object keeps the other defaults', () => {
  const cfg = parseConfig({
    stage: 'test',
    channels: [channel],
    alarms: { webhook: true, thresholds: { cdnOriginLatencyMs: 800 } },
  });
  expect(cfg.alarms.webhook).toBe(true);
  expect(cfg.alarms.thresholds).toMatchObject({ cdnOriginLatencyMs: 800, evaluationMinutes: 3 });
});

test('fails on a threshold below its minimum, naming the field and value', () => {
  expect(problems({ thresholds: { evaluationMinutes: 0 } })).toEqual([
    'alarms.thresholds.evaluationMinutes: received 0; Too small: expected number to be >=1',
  ]);
});

test('fails on a threshold above its maximum', () => {
  expect(problems({ thresholds: { inputLossSecondsPerMinute: 61 } })).toEqual([
    'alarms.thresholds.inputLossSecondsPerMinute: received 61; Too big: expected number to be <=60',
  ]);
});

test('fails on a fractional count', () => {
  expect(problems({ thresholds: { outputErrorsPerMinute: 1.5 } })).toEqual([
    'alarms.thresholds.outputErrorsPerMinute: received 1.5; Invalid input: expected int, received number',
  ]);
});

test('fails on an unknown threshold', () => {
  expect(problems({ thresholds: { inputLoss: 3 } })).toEqual([
    'alarms.thresholds.inputLoss: unknown field; remove it or check its spelling',
  ]);
});

test('fails on a webhook that is not a boolean (the URL goes in Secrets Manager, never the config)', () => {
  expect(problems({ webhook: 'https://hooks.slack.com/services/x' })).toEqual([
    'alarms.webhook: received "https://hooks.slack.com/services/x"; Invalid input: expected boolean, received string',
  ]);
});
