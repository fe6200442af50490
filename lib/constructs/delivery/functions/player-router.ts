/**
 * Source of the CloudFront Function (cloudfront-js-2.0) on the `/player/*` behavior: `/player/`
 * serves `/player/index.html` (CloudFront's default root object applies to `/` only), the
 * player's own files pass, anything else is 404 before it reaches S3 (which would answer 403).
 */
export function playerRouterSource(files: readonly string[]): string {
  return `var FILES = ${JSON.stringify(files)};
function handler(event) {
  var request = event.request;
  if (request.uri === '/player/') {
    request.uri = '/player/index.html';
    return request;
  }
  if (request.uri.indexOf('/player/') === 0 && FILES.indexOf(request.uri.substring(8)) !== -1) {
    return request;
  }
  return { statusCode: 404, statusDescription: 'Not Found' };
}
`;
}
