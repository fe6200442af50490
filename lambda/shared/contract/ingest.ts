/**
 * How encoders reach a channel: the MediaLive input types OnAir creates and the SRT settings the
 * config, the input resource and the ingest function agree on.
 */

/** The input type of a channel (MediaLive's own InputType values). */
export enum IngestProtocol {
  /** RTMP push: the encoder pushes to rtmp://<ip>:1935/<channel>/<stream key> (TCP). */
  RTMP_PUSH = 'RTMP_PUSH',
  /**
   * SRT listener: MediaLive listens, the encoder calls it (UDP) with the AES passphrase. MediaLive
   * requires decryption on every SRT listener input (SrtListenerSettingsRequest in the MediaLive API).
   */
  SRT_LISTENER = 'SRT_LISTENER',
}

/** SRT encryption: MediaLive's Algorithm values for SrtListenerDecryption. */
export enum SrtEncryption {
  AES128 = 'AES128',
  AES192 = 'AES192',
  AES256 = 'AES256',
}

/** The AES key length in bytes that SRT encoders call `pbkeylen` (libsrt SRTO_PBKEYLEN: 16, 24 or 32). */
export const SRT_PBKEYLEN: Readonly<Record<SrtEncryption, 16 | 24 | 32>> = {
  [SrtEncryption.AES128]: 16,
  [SrtEncryption.AES192]: 24,
  [SrtEncryption.AES256]: 32,
};

/** The encryption of an SRT input when the config names none. */
export const DEFAULT_SRT_ENCRYPTION = SrtEncryption.AES256;

/**
 * SRT receive latency (MediaLive's MinimumLatency, milliseconds): MediaLive accepts 120-15000 (the
 * MediaLive API's SrtListenerSettingsRequest). The default suits internet contribution: SRT's
 * maintainers recommend 3-4 × the round-trip time, and 1000 ms covers a 250 ms intercontinental
 * round trip; raise it for lossy mobile or Wi-Fi links, lower it to 4 × a measured RTT on good ones.
 * The negotiated latency is the larger of the encoder's and MediaLive's.
 */
export const SRT_LATENCY_MS = { min: 120, max: 15_000, default: 1_000 } as const;

/**
 * Passphrase length: letters and digits (≈262 bits), inside the 10-79 characters MediaLive and
 * libsrt accept (MediaLive user guide, "SRT Listener input: Get ready"), and below the 64 that
 * ffmpeg's SRT protocol help states, so every libsrt-based encoder takes it.
 */
export const SRT_PASSPHRASE_LENGTH = 44;

/** An SRT stream id: up to 512 characters (libsrt SRTO_STREAMID); OnAir allows printable ASCII without spaces. */
export const SRT_STREAM_ID_PATTERN = /^[\x21-\x7e]{1,512}$/;
