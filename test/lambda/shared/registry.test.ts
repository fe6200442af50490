import { IngestProtocol } from '../../../lambda/shared/contract';
import { channelOf, ingestProtocolOf, loadRegistry, parseRegistry } from '../../../lambda/shared/registry';
import { REGISTRY } from '../fixtures';

describe('the channel registry (ONAIR_CHANNELS)', () => {
  test('reads the registry the CDK app writes', () => {
    expect(loadRegistry({ ONAIR_CHANNELS: JSON.stringify(REGISTRY) })).toEqual(REGISTRY);
    expect(channelOf(REGISTRY, 'studio').p).toBe(2);
  });

  test('an unknown channel is a 404', () => {
    expect(() => channelOf(REGISTRY, 'nope')).toThrow(expect.objectContaining({ statusCode: 404 }));
    expect(() => channelOf(REGISTRY, 'toString')).toThrow('unknown channel "toString"');
  });

  test.each([
    [undefined, 'ONAIR_CHANNELS is not set'],
    ['[]', 'ONAIR_CHANNELS is not a JSON object'],
    ['{"main": 1}', 'ONAIR_CHANNELS: channel "main" is not an object'],
    [
      JSON.stringify({ main: { ...REGISTRY.main, in: '' } }),
      'ONAIR_CHANNELS: main.in must be a non-empty string, got ""',
    ],
    [
      JSON.stringify({ main: { ...REGISTRY.main, key: undefined } }),
      'main.key must be a non-empty string, got undefined',
    ],
    [JSON.stringify({ main: { ...REGISTRY.main, p: 3 } }), 'ONAIR_CHANNELS: main.p must be 1 or 2, got 3'],
    [
      JSON.stringify({ main: { ...REGISTRY.main, t: 'RTMP_PUSH' } }),
      'ONAIR_CHANNELS: main.t must be absent (RTMP_PUSH) or "SRT_LISTENER", got "RTMP_PUSH"',
    ],
  ])('fails on %j naming the field (a deployment error)', (raw, message) => {
    expect(() => loadRegistry(raw === undefined ? {} : { ONAIR_CHANNELS: raw })).toThrow(message);
  });

  test('an entry names its input type only for SRT (absent: RTMP push)', () => {
    const srt = { ...REGISTRY.main, t: IngestProtocol.SRT_LISTENER } as const;
    expect(parseRegistry({ main: srt }).main).toEqual(srt);
    expect(ingestProtocolOf(srt)).toBe(IngestProtocol.SRT_LISTENER);
    expect(ingestProtocolOf(REGISTRY.main)).toBe(IngestProtocol.RTMP_PUSH);
  });

  test('parseRegistry checks values already parsed', () => {
    expect(parseRegistry({})).toEqual({});
  });
});
