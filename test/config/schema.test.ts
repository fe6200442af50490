import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, formatPath, loadConfig, parseConfig } from '../../lib/config/load';
import { MAX_CHANNELS, srtSettingsOf } from '../../lib/config/schema';

const channel = (over: Record<string, unknown> = {}) => ({
  id: 'main',
  input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] },
  ...over,
});

function problemsOf(input: unknown): string[] {
  try {
    parseConfig(input, 'test.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('config defaults', () => {
  test('a minimal config gets the documented defaults', () => {
    const cfg = parseConfig({ stage: 'dev', channels: [channel()] });
    const ch = cfg.channels[0];
    expect(ch).toMatchObject({
      channelClass: 'SINGLE_PIPELINE',
      ladder: '720p',
      latency: 'standard',
      archive: true,
      autoStart: false,
      framerate: 30,
      autoStopIdleMinutes: 30,
      autoRestart: false,
      playback: { auth: 'public' },
    });
    expect(cfg.packaging.startoverWindowHours).toBe(24);
    expect(cfg.delivery).toEqual({
      priceClass: 'PriceClass_100',
      geoRestriction: { type: 'none' },
      corsAllowedOrigins: ['*'],
    });
    expect(cfg.archive).toEqual({ glacierInstantRetrievalAfterDays: 30, rolloverSeconds: 300, raw: true });
    expect(cfg.playback).toEqual({ sessionTtlMinutes: 120, bindSourceIp: false, signingKeyVersion: 1 });
    expect(cfg.streamKey).toEqual({});
    expect(cfg.alarms.emails).toEqual([]);
  });

  test('config/default.json and the examples are valid', () => {
    expect(loadConfig('config/default.json').channels).toHaveLength(1);
    const eight = loadConfig('config/examples/eight-channels.json');
    expect(eight.channels).toHaveLength(8);
    expect(new Set(eight.channels.map((c) => c.channelClass))).toEqual(
      new Set(['SINGLE_PIPELINE', 'STANDARD']),
    );
    expect(new Set(eight.channels.map((c) => c.latency))).toEqual(new Set(['standard', 'low']));
  });
});

describe('SRT inputs', () => {
  const srt = (over: Record<string, unknown> = {}) =>
    channel({ input: { type: 'SRT_LISTENER', allowedCidrs: ['203.0.113.0/24'], ...over } });

  test('get the documented defaults: AES-256, 1000 ms, no stream id', () => {
    const cfg = parseConfig({ stage: 'dev', channels: [srt()] });
    expect(srtSettingsOf(cfg.channels[0].input)).toEqual({ minimumLatencyMs: 1000, encryption: 'AES256' });
  });

  test('keep what the config sets', () => {
    const cfg = parseConfig({
      stage: 'dev',
      channels: [srt({ minimumLatencyMs: 2500, encryption: 'AES128', streamId: '#!::r=studio,m=publish' })],
    });
    expect(srtSettingsOf(cfg.channels[0].input)).toEqual({
      minimumLatencyMs: 2500,
      encryption: 'AES128',
      streamId: '#!::r=studio,m=publish',
    });
  });

  test('an RTMP input has no SRT settings', () => {
    expect(
      srtSettingsOf(parseConfig({ stage: 'dev', channels: [channel()] }).channels[0].input),
    ).toBeUndefined();
  });
});

describe('config errors name the field, the value and what is allowed', () => {
  test.each([
    [
      'a misspelt key',
      { stage: 'dev', channels: [channel({ ladderr: '720p' })] },
      'channels[0].ladderr: unknown field; remove it or check its spelling',
    ],
    ['an unknown top-level key', { stage: 'dev', channels: [channel()], extra: 1 }, 'extra: unknown field'],
    ['a missing stage', { channels: [channel()] }, 'stage: received nothing;'],
    [
      'a bad stage',
      { stage: 'my stage', channels: [channel()] },
      'stage: received "my stage"; expected 1-16 letters and digits',
    ],
    ['no channels', { stage: 'dev', channels: [] }, 'channels: received []; Too small'],
    [
      'a bad channel id',
      { stage: 'dev', channels: [channel({ id: 'Main_1' })] },
      'channels[0].id: received "Main_1"; expected a slug',
    ],
    [
      'a bad ladder',
      { stage: 'dev', channels: [channel({ ladder: '1080' })] },
      'channels[0].ladder: received "1080"; expected a preset ("1080p", "720p" or "540p") or a list of 1-8 renditions',
    ],
    [
      'a bad latency',
      { stage: 'dev', channels: [channel({ latency: 'ultra' })] },
      'channels[0].latency: received "ultra"; Invalid option: expected one of "standard"|"low"',
    ],
    [
      'a bad channel class',
      { stage: 'dev', channels: [channel({ channelClass: 'DOUBLE' })] },
      'channels[0].channelClass: received "DOUBLE"; Invalid option: expected one of "SINGLE_PIPELINE"|"STANDARD"',
    ],
    [
      'a bad input type',
      { stage: 'dev', channels: [channel({ input: { type: 'SRT_CALLER', allowedCidrs: ['0.0.0.0/0'] } })] },
      'channels[0].input.type: received "SRT_CALLER";',
    ],
    [
      'an SRT option on an RTMP input',
      {
        stage: 'dev',
        channels: [
          channel({ input: { type: 'RTMP_PUSH', allowedCidrs: ['0.0.0.0/0'], minimumLatencyMs: 500 } }),
        ],
      },
      'channels[0].input.minimumLatencyMs: received 500; "minimumLatencyMs" is an SRT option but input.type is "RTMP_PUSH"; set input.type to "SRT_LISTENER" or remove "minimumLatencyMs"',
    ],
    [
      'an SRT encryption on an RTMP input',
      {
        stage: 'dev',
        channels: [
          channel({ input: { type: 'RTMP_PUSH', allowedCidrs: ['0.0.0.0/0'], encryption: 'AES128' } }),
        ],
      },
      'channels[0].input.encryption: received "AES128"; "encryption" is an SRT option but input.type is "RTMP_PUSH"; set input.type to "SRT_LISTENER" or remove "encryption"',
    ],
    [
      'an SRT latency below what MediaLive accepts',
      {
        stage: 'dev',
        channels: [
          channel({ input: { type: 'SRT_LISTENER', allowedCidrs: ['0.0.0.0/0'], minimumLatencyMs: 100 } }),
        ],
      },
      'channels[0].input.minimumLatencyMs: received 100; Too small: expected number to be >=120',
    ],
    [
      'an SRT latency above what MediaLive accepts',
      {
        stage: 'dev',
        channels: [
          channel({ input: { type: 'SRT_LISTENER', allowedCidrs: ['0.0.0.0/0'], minimumLatencyMs: 20000 } }),
        ],
      },
      'channels[0].input.minimumLatencyMs: received 20000; Too big: expected number to be <=15000',
    ],
    [
      'an unknown SRT encryption',
      {
        stage: 'dev',
        channels: [
          channel({ input: { type: 'SRT_LISTENER', allowedCidrs: ['0.0.0.0/0'], encryption: 'AES512' } }),
        ],
      },
      'channels[0].input.encryption: received "AES512"; Invalid option: expected one of "AES128"|"AES192"|"AES256"',
    ],
    [
      'an SRT stream id with a space',
      {
        stage: 'dev',
        channels: [
          channel({ input: { type: 'SRT_LISTENER', allowedCidrs: ['0.0.0.0/0'], streamId: 'a b' } }),
        ],
      },
      'channels[0].input.streamId: received "a b"; expected 1-512 printable ASCII characters without spaces',
    ],
    [
      'a bad CIDR',
      { stage: 'dev', channels: [channel({ input: { type: 'RTMP_PUSH', allowedCidrs: ['10.0.0.0/33'] } })] },
      'channels[0].input.allowedCidrs[0]: received "10.0.0.0/33"; expected an IPv4 CIDR',
    ],
    [
      'eleven CIDRs',
      {
        stage: 'dev',
        channels: [
          channel({
            input: {
              type: 'RTMP_PUSH',
              allowedCidrs: Array.from({ length: 11 }, (_, i) => `198.51.100.${i}/32`),
            },
          }),
        ],
      },
      'channels[0].input.allowedCidrs: received [',
    ],
    [
      'a custom rung with an odd width',
      {
        stage: 'dev',
        channels: [channel({ ladder: [{ name: 'x', width: 1279, height: 720, maxBitrateKbps: 3000 }] })],
      },
      'channels[0].ladder[0].width: received 1279; Invalid number: must be a multiple of 2',
    ],
    [
      'a bad frame rate',
      { stage: 'dev', channels: [channel({ framerate: 29.97 })] },
      'channels[0].framerate: received 29.97; expected one of 24, 25, 30, 50, 60 (frames per second)',
    ],
    [
      'a negative auto-stop',
      { stage: 'dev', channels: [channel({ autoStopIdleMinutes: -1 })] },
      'channels[0].autoStopIdleMinutes: received -1;',
    ],
    [
      'a bad playback auth',
      { stage: 'dev', channels: [channel({ playback: { auth: 'cookie' } })] },
      'channels[0].playback.auth: received "cookie";',
    ],
    [
      'a bad price class',
      { stage: 'dev', channels: [channel()], delivery: { priceClass: 'PriceClass_50' } },
      'delivery.priceClass: received "PriceClass_50";',
    ],
    [
      'a lower-case country',
      {
        stage: 'dev',
        channels: [channel()],
        delivery: { geoRestriction: { type: 'deny', countries: ['de'] } },
      },
      'delivery.geoRestriction.countries[0]: received "de"; expected an ISO 3166-1 alpha-2 code',
    ],
    [
      'a certificate outside us-east-1',
      {
        stage: 'dev',
        channels: [channel()],
        delivery: {
          customDomain: {
            domainName: 'live.example.com',
            certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123',
          },
        },
      },
      'delivery.customDomain.certificateArn: received "arn:aws:acm:eu-west-1:123456789012:certificate/abc-123"; expected an ACM certificate ARN in us-east-1',
    ],
    [
      'an http CORS origin',
      { stage: 'dev', channels: [channel()], delivery: { corsAllowedOrigins: ['http://example.com'] } },
      'delivery.corsAllowedOrigins[0]: received "http://example.com"; expected "*" or an https origin such as "https://www.example.com" (scheme, lower-case host and optional port, no path or trailing slash: browsers send exactly that in Origin)',
    ],
    [
      'a CORS origin with a trailing slash',
      {
        stage: 'dev',
        channels: [channel()],
        delivery: { corsAllowedOrigins: ['https://www.example.com', 'https://app.example.com/'] },
      },
      'delivery.corsAllowedOrigins[1]: received "https://app.example.com/"; expected "*" or an https origin such as "https://www.example.com" (scheme, lower-case host and optional port, no path or trailing slash: browsers send exactly that in Origin)',
    ],
    [
      'a CORS origin with a path',
      {
        stage: 'dev',
        channels: [channel()],
        delivery: { corsAllowedOrigins: ['https://example.com/player'] },
      },
      'delivery.corsAllowedOrigins[0]: received "https://example.com/player"; expected "*" or an https origin',
    ],
    [
      'a startover beyond 14 days',
      { stage: 'dev', channels: [channel()], packaging: { startoverWindowHours: 400 } },
      'packaging.startoverWindowHours: received 400;',
    ],
    [
      'an expiry before the tier',
      {
        stage: 'dev',
        channels: [channel()],
        archive: { glacierInstantRetrievalAfterDays: 30, expireAfterDays: 10 },
      },
      'archive.expireAfterDays: received 10; must be greater than archive.glacierInstantRetrievalAfterDays (30): recordings move to Glacier Instant Retrieval first',
    ],
    [
      'a bad email',
      { stage: 'dev', channels: [channel()], alarms: { emails: ['oncall'] } },
      'alarms.emails[0]: received "oncall";',
    ],
    [
      'a session TTL over 24 h',
      { stage: 'dev', channels: [channel()], playback: { sessionTtlMinutes: 2000 } },
      'playback.sessionTtlMinutes: received 2000;',
    ],
    [
      'jwt auth without an issuer',
      { stage: 'dev', channels: [channel({ playback: { auth: 'jwt' } })] },
      'channels[0].playback.auth: received "jwt"; channels with auth "jwt" need playback.jwt',
    ],
    [
      'a rotation schedule of 0 days',
      { stage: 'dev', channels: [channel()], streamKey: { rotateEveryDays: 0 } },
      'streamKey.rotateEveryDays: received 0;',
    ],
  ])('fails on %s', (_what, input, expected) => {
    const problems = problemsOf(input);
    expect(problems.some((p) => p.includes(expected))).toBe(true);
  });

  test('accepts CORS origins exactly as browsers send them', () => {
    const origins = ['https://www.example.com', 'https://localhost:8443'];
    const cfg = parseConfig({
      stage: 'dev',
      channels: [channel()],
      delivery: { corsAllowedOrigins: origins },
    });
    expect(cfg.delivery.corsAllowedOrigins).toEqual(origins);
  });

  test('fails on duplicate channel ids, naming both places', () => {
    const problems = problemsOf({ stage: 'dev', channels: [channel(), channel()] });
    expect(problems).toContain(
      'channels[1].id: received "main"; duplicate channel id (also channels[0].id); ids must be unique',
    );
  });

  test(`fails on more than ${MAX_CHANNELS} channels, before synth`, () => {
    const channels = Array.from({ length: MAX_CHANNELS + 1 }, (_, i) => channel({ id: `ch${i}` }));
    const problems = problemsOf({ stage: 'dev', channels });
    expect(problems.join('\n')).toMatch(
      new RegExp(
        `channels: received \\[.*; ${MAX_CHANNELS + 1} channels exceed what one deployment serves: at most ${MAX_CHANNELS}`,
      ),
    );
  });

  test('reports every problem at once, one line each', () => {
    const problems = problemsOf({ stage: '', channels: [channel({ id: 'X', latency: 'fast' })] });
    expect(problems).toHaveLength(3);
    expect(problems.every((p) => !p.includes('\n'))).toBe(true);
  });

  test('the error message lists the source and each problem', () => {
    expect(() => parseConfig({ stage: 'dev', channels: [channel({ ladder: 'big' })] }, 'cfg.json')).toThrow(
      /^invalid config cfg\.json:\n {2}- channels\[0\]\.ladder: received "big";/,
    );
  });
});

describe('loading files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onair-config-'));

  test('fails on a missing file', () => {
    expect(() => loadConfig(join(dir, 'nope.json'))).toThrow(/cannot read the file \(ENOENT\)/);
  });

  test('fails on invalid JSON', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ "stage": "dev", }');
    expect(() => loadConfig(file)).toThrow(/not valid JSON/);
  });

  test('formats paths the way a reader writes them', () => {
    expect(formatPath(['channels', 2, 'input', 'allowedCidrs', 0])).toBe('channels[2].input.allowedCidrs[0]');
    expect(formatPath([])).toBe('(root)');
  });
});
