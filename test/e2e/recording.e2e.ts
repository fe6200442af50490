import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording } from './origins/recording';

/**
 * A recording joined from harvest-shaped parts (ffmpeg media, the functions' join) is one valid
 * HLS VOD: ffprobe reads the whole duration through the root master, and ffmpeg decodes it from
 * start to end without an error (the discontinuity between parts included).
 */
const root = mkdtempSync(join(tmpdir(), 'onair-recording-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('two harvested parts join into one playable VOD of their whole length', () => {
  const rec = writeRecording(root, 'main', 'main-20261201t190000z', 2, 6);
  expect(rec.durationSeconds).toBeCloseTo(12, 0);
  const master = join(root, rec.prefix, 'index.m3u8');
  const probe = spawnSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', master],
    {
      encoding: 'utf8',
    },
  );
  expect(probe.status).toBe(0);
  expect(Number(probe.stdout.trim())).toBeGreaterThan(11);
  const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', master, '-map', '0:v:0', '-f', 'null', '-'], {
    encoding: 'utf8',
  });
  expect(decode.stderr).toBe('');
  expect(readFileSync(join(root, rec.prefix, 'rendition_1.m3u8'), 'utf8')).toContain(
    '#EXT-X-DISCONTINUITY\n',
  );
}, 120_000);
