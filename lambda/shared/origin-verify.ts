/**
 * Contract between the CDK app and the session function: CloudFront adds this header, with a
 * value generated at deploy into a Secrets Manager secret, to every request of the
 * `/api/playback/*` behavior. A request carrying it came through the distribution, so its
 * CloudFront-Viewer-Address header is CloudFront's and not the caller's.
 */
export const ORIGIN_VERIFY_HEADER = 'X-OnAir-Origin-Verify';
/** The JSON key of the secret's value. */
export const ORIGIN_VERIFY_KEY = 'originVerify';
