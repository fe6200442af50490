import { joinParts } from '../../../lambda/recordings/manifests';
import { partsDue } from '../../../lambda/recordings/parts';
import { recordingPartSeconds } from '../../../lambda/shared/contract';

describe('recording parts', () => {
  const start = '2026-12-01T00:00:00.000Z';
  const part = recordingPartSeconds(24 * 3600);

  test('a 24-hour window gives parts of 23 h 38 min: a part harvested by the next sweep still starts inside the window', () => {
    expect(part).toBe(85_080);
    expect(part).toBeLessThanOrEqual(24 * 3600);
  });

  test('a 30-hour session is recorded whole in two parts, the last up to the stop', () => {
    const end = '2026-12-02T06:00:00.000Z';
    expect(partsDue(start, part, new Date('2026-12-02T06:01:00Z'), end)).toEqual([
      { index: 1, start, end: '2026-12-01T23:38:00.000Z' },
      { index: 2, start: '2026-12-01T23:38:00.000Z', end },
    ]);
  });

  test('while live, only whole parts that ended at least two minutes ago are due', () => {
    expect(partsDue(start, part, new Date('2026-12-01T23:39:59Z'))).toEqual([]);
    expect(partsDue(start, part, new Date('2026-12-01T23:40:00Z'))).toEqual([
      { index: 1, start, end: '2026-12-01T23:38:00.000Z' },
    ]);
    expect(partsDue(start, part, new Date('2026-12-02T05:00:00Z'))).toHaveLength(1);
  });

  test('a session that lasted no time has no part', () => {
    expect(partsDue(start, part, new Date('2026-12-01T01:00:00Z'), start)).toEqual([]);
  });

  test('fails for a startover window too short to record, naming it', () => {
    expect(() => recordingPartSeconds(1800)).toThrow(
      'a startover window of 1800 s is too short to record sessions: recordings need at least 1 hour',
    );
    expect(recordingPartSeconds(3600)).toBe(2280);
  });
});

describe('joining harvested parts', () => {
  const master = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    '#EXT-X-STREAM-INF:BANDWIDTH=2200000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"',
    'index_1.m3u8',
    '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2"',
    'index_2.m3u8',
    '',
  ].join('\n');
  const child = (n: number, segs: number) =>
    [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-TARGETDURATION:4',
      '#EXT-X-MEDIA-SEQUENCE:1',
      '#EXT-X-PLAYLIST-TYPE:VOD',
      ...Array.from({ length: segs }, (_, i) => [
        `#EXTINF:4.000,`,
        `index_${n}_${String(i + 1).padStart(5, '0')}.ts`,
      ]).flat(),
      '#EXT-X-ENDLIST',
    ].join('\n');
  const part = (folder: string, segs: number) => ({
    folder,
    masterName: 'index.m3u8',
    master,
    children: { 'index_1.m3u8': child(1, segs), 'index_2.m3u8': child(2, segs) },
  });

  test('one playlist per rendition plays every part in order, a discontinuity between parts', () => {
    const vod = joinParts([part('p01/', 2), part('p02/', 1)]);
    expect(vod.durationSeconds).toBe(12);
    expect(vod.master).toContain('\nrendition_1.m3u8\n');
    expect(vod.master).toContain('\nrendition_2.m3u8\n');
    expect(vod.children['rendition_2.m3u8']).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:4',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXTINF:4.000,',
        'p01/index_2_00001.ts',
        '#EXTINF:4.000,',
        'p01/index_2_00002.ts',
        '#EXT-X-DISCONTINUITY',
        '#EXTINF:4.000,',
        'p02/index_2_00001.ts',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
  });

  test('fails when parts do not have the same renditions', () => {
    const odd = { ...part('p02/', 1), master: master.split('#EXT-X-STREAM-INF:BANDWIDTH=800000')[0] };
    expect(() => joinParts([part('p01/', 1), odd])).toThrow(
      'p02/index.m3u8 has 1 renditions, p01/index.m3u8 2',
    );
  });
});
