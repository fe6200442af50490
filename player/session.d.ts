// Types of session.js for the TypeScript tests (the page itself is plain JavaScript, served as is).
export declare const DEFAULT_CHANNEL: string;
export declare const RENEW_BEFORE_MS: number;
export declare const MIN_RENEW_DELAY_MS: number;
export declare const DEFAULT_RETRY_MS: number;
export declare const MAX_RETRY_MS: number;
export declare function channelFromSearch(search: string): { channel: string } | { error: string };
export declare function sessionUrl(channel: string): string;
export declare const FORMAT: 'hls';
export declare function sessionRequestBody(): string;
export declare const LIVE_URI: RegExp;
export declare function manifestUrl(body: unknown): string | undefined;
export declare function renewalDelayMs(expiresAt: string, serverNow: number): number;
export declare function serverTime(dateHeader: string | null, localNow: number): number;
export declare function retryDelayMs(retryAfter: string | null, attempt: number, now: number): number;
export declare function describeFailure(failure: {
  status: number;
  body: unknown;
  channel: string;
  hadToken: boolean;
  wwwAuthenticate?: string | null;
}): { message: string; needsToken: boolean; retry: boolean };
export declare function formatRemaining(ms: number): string;
export declare function formatSeconds(seconds: number | null | undefined): string;
export declare function wallClockLatencySeconds(
  playingDate: Date | null | undefined,
  localNow: number,
  clockOffsetMs: number,
): number | undefined;
export declare function describeMediaError(status: number | undefined): {
  message: string;
  renewSession: boolean;
};
export declare function formatRendition(level: { height?: number; bitrate?: number } | undefined): string;
export declare const RECORDING_ID: RegExp;
export declare function recordingFromSearch(search: string): { recording?: string } | { error: string };
export declare function channelOfRecording(recording: string): string;
export declare function recordingSessionBody(recording: string): string;
export declare function recordingsListBody(before?: string): string;
export declare const RECORDING_URI: RegExp;
export declare function recordingManifestUrl(body: unknown, recording: string): string | undefined;
export declare function replayUrl(channel: string, recording: string): string;
export declare function recordingsPageUrl(channel: string): string;
export declare function formatDuration(seconds: number | null | undefined): string;
export declare function describeRecordingFailure(failure: {
  status: number;
  body: unknown;
  channel: string;
  recording: string;
  hadToken: boolean;
  wwwAuthenticate?: string | null;
}): { message: string; needsToken: boolean; retry: boolean };
export declare const EMPTY_PAGE_FOLLOW_UPS: number;
export declare function followEmptyPage(
  page: { recordings: unknown[]; next?: unknown },
  followed: number,
): boolean;
export declare function recordingsListMessage(
  channel: string,
  shown: number,
  hasMore: boolean,
): { text: string; kind: 'ok' | 'info' };
export declare function resumePosition(
  replay: boolean,
  currentTime: number,
  kept: number | undefined,
): number | undefined;
