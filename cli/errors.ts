/**
 * Exit codes (documented in docs/cli.md#exit-codes): a script can tell "fix your setup" from
 * "retry later" from "the check found a problem" without parsing messages.
 */
export enum ExitCode {
  OK = 0,
  /** A check, a smoke step or a waited-for operation failed. */
  FAILED = 1,
  /** Bad arguments, or the API answered 400 (the request was malformed). */
  USAGE = 2,
  /** No deployment found, no credentials or no Region. */
  SETUP = 3,
  /** The API refused the caller (401/403): credentials or IAM permissions. */
  DENIED = 4,
  /** Unknown channel or clip (404). */
  NOT_FOUND = 5,
  /** The channel is in a state that does not allow the action (409). */
  CONFLICT = 6,
  /** AWS or the API is busy or failing (429, 5xx, network): retry later. */
  UNAVAILABLE = 7,
  /** A --wait ran out of time. */
  TIMEOUT = 8,
  /** A local tool the command needs (ffmpeg, ffprobe) is missing. */
  MISSING_TOOL = 9,
}

/** An error the CLI reports as one line (the message says what to do) and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CliError';
  }
}
