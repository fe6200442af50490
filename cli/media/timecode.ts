/**
 * A machine-readable wall clock in the picture: push-test draws the capture time of every frame
 * as a two-row bar code along the bottom of the frame, and `check` reads it back from one decoded
 * frame of a served segment. Unlike EXT-X-PROGRAM-DATE-TIME (stamped by MediaLive's clock when it
 * packages) or timed metadata (which RTMP → MediaLive → MediaPackage does not carry through), the
 * picture survives transcoding, scaling to every rung and packaging unchanged, so "now minus the
 * time in the frame" is the delay from the encoder's capture to the viewer's download: glass to
 * glass up to the player's buffer.
 *
 * Layout: 48 equal columns on a strip of 1/12 of the frame height. Row 0: columns 0-3 the sync
 * pattern 1010, columns 4-43 the capture time in centiseconds since the Unix epoch (40 bits, most
 * significant first), columns 44-47 1100. Row 1 is row 0 inverted, so a misread column is caught.
 */

export const COLUMNS = 48;
export const TIME_BITS = 40;
const FIRST_TIME_COLUMN = 4;
const SYNC_HEAD = [1, 0, 1, 0];
const SYNC_TAIL = [1, 1, 0, 0];
/** The strip's height as a fraction of the frame's. */
export const STRIP_FRACTION = 12;
/** Samples per column and per row when reading (see {@link READ_FILTER}). */
const SX = 4;
const SY = 4;

/** The bits of row 0 for a capture time (tests and the decoder share it). */
export function rowBits(epochMs: number): number[] {
  const cs = Math.floor(epochMs / 10);
  const bits: number[] = [...SYNC_HEAD];
  for (let i = TIME_BITS - 1; i >= 0; i--) bits.push(Math.floor(cs / 2 ** i) % 2);
  bits.push(...SYNC_TAIL);
  return bits;
}

/**
 * ffmpeg filters that draw the strip: a 48x2 gray image whose pixels `geq` computes from the
 * frame time T (seconds since the encode started at `startEpochSeconds`), scaled up without
 * smoothing and laid over the bottom of `[in]`, giving `[out]`.
 */
export function drawFilter(o: {
  readonly input: string;
  readonly output: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly startEpochSeconds: number;
}): string {
  const stripHeight = Math.max(2, Math.round(o.height / STRIP_FRACTION / 2) * 2);
  const v = `floor((${o.startEpochSeconds.toFixed(3)}+T)*100)`;
  const last = FIRST_TIME_COLUMN + TIME_BITS - 1;
  const bit =
    `if(lt(X\\,${FIRST_TIME_COLUMN})\\,1-mod(X\\,2)\\,` +
    `if(lte(X\\,${last})\\,mod(floor(${v}/pow(2\\,${last}-X))\\,2)\\,` +
    `if(lt(X\\,${last + 3})\\,1\\,0)))`;
  return [
    `nullsrc=s=${COLUMNS}x2:r=${o.fps},format=gray,geq=lum=255*abs(Y-${bit}),` +
      `scale=${o.width}:${stripHeight}:flags=neighbor,format=yuv420p[tc]`,
    `${o.input}[tc]overlay=0:H-h:shortest=1${o.output}`,
  ].join(';');
}

/** Reads the strip of one frame into {@link COLUMNS}·{@link SX} × 2·{@link SY} gray pixels. */
export const READ_FILTER = `crop=iw:ih/${STRIP_FRACTION}:0:ih-ih/${STRIP_FRACTION},scale=${COLUMNS * SX}:${2 * SY}:flags=area,format=gray`;
export const READ_BYTES = COLUMNS * SX * 2 * SY;

/** The capture time (epoch ms) in one frame's strip as {@link READ_FILTER} outputs it, or undefined. */
export function decodeStrip(gray: Uint8Array): number | undefined {
  if (gray.length < READ_BYTES) return undefined;
  const width = COLUMNS * SX;
  const sample = (row: number, col: number) => {
    // the middle of the cell, away from the edges scaling blurs
    let sum = 0;
    for (const y of [row * SY + 1, row * SY + 2])
      for (const x of [col * SX + 1, col * SX + 2]) sum += gray[y * width + x];
    return sum / 4;
  };
  const bits: number[] = [];
  for (let c = 0; c < COLUMNS; c++) {
    const top = sample(0, c) > 128 ? 1 : 0;
    const bottom = sample(1, c) > 128 ? 1 : 0;
    if (top === bottom) return undefined;
    bits.push(top);
  }
  const head = bits.slice(0, FIRST_TIME_COLUMN);
  const tail = bits.slice(FIRST_TIME_COLUMN + TIME_BITS);
  if (head.join('') !== SYNC_HEAD.join('') || tail.join('') !== SYNC_TAIL.join('')) return undefined;
  let cs = 0;
  for (const b of bits.slice(FIRST_TIME_COLUMN, FIRST_TIME_COLUMN + TIME_BITS)) cs = cs * 2 + b;
  return cs * 10;
}
