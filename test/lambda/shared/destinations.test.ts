import { IngestProtocol } from '../../../lambda/shared/contract';
import { serverOf } from '../../../lambda/shared/destinations';
import { REGISTRY } from '../fixtures';

const rtmp = REGISTRY.main;
const srt = { ...REGISTRY.studio, t: IngestProtocol.SRT_LISTENER } as const;

describe('serverOf: where an encoder connects, never with its credential', () => {
  test('RTMP push: rtmp://<ip>:1935/<app>', () => {
    expect(
      serverOf(rtmp, { Ip: '198.51.100.10', Port: '1935', Url: 'rtmp://198.51.100.10:1935/main/KEY' }),
    ).toBe('rtmp://198.51.100.10:1935/main');
    expect(serverOf(rtmp, { Url: 'rtmp://198.51.100.10:1935/main/KEY' })).toBe(
      'rtmp://198.51.100.10:1935/main',
    );
  });

  test('SRT listener: srt://<ip>:<port>, from Ip/Port or the URL', () => {
    expect(serverOf(srt, { Ip: '198.51.100.10', Port: '5000', Url: 'srt://198.51.100.10:5000' })).toBe(
      'srt://198.51.100.10:5000',
    );
    expect(serverOf(srt, { Url: 'srt://198.51.100.20:5001' })).toBe('srt://198.51.100.20:5001');
    expect(serverOf(srt, {})).toBeUndefined();
  });
});
