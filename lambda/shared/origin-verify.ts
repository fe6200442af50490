/**
 * Contract between the CDK app and the session function: CloudFront adds this header, with a
 * value generated at deploy into a Secrets Manager secret, to every request of the
 * `/api/playback/*` behavior. A request carrying it came through the distribution, so its
 * {@link VIEWER_IP_HEADER} was set by the distribution and not by the caller.
 */
export const ORIGIN_VERIFY_HEADER = 'X-OnAir-Origin-Verify';
/** The JSON key of the secret's value. */
export const ORIGIN_VERIFY_KEY = 'originVerify';
/**
 * The viewer's IP address, set by the `/api/playback/*` viewer-request function from
 * `event.viewer.ip` (overwriting any value the viewer sent). A function-set header reaches the
 * origin under the behavior's all-viewer-headers policy, whereas CloudFront's own
 * CloudFront-Viewer-Address is only forwarded by policies that list CloudFront headers, and those
 * that do also forward Host (which API Gateway rejects) or cannot forward Authorization.
 */
export const VIEWER_IP_HEADER = 'X-OnAir-Viewer-Ip';
