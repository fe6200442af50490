import { Fn } from 'aws-cdk-lib';

/**
 * Source of the CloudFront Function (cloudfront-js-2.0) that routes live media. `routes`
 * maps `<channelId>/<format>` to the endpoint's path prefix `/out/v1/<id>`; values may be
 * CloudFormation tokens (MediaPackage generates the id at deploy), so the source is joined
 * with Fn::Join.
 */
export function liveRouterSource(routes: Readonly<Record<string, string>>): string {
  const parts: string[] = ['var ROUTES = {'];
  const entries = Object.entries(routes);
  entries.forEach(([key, prefix], i) => {
    parts.push(`${JSON.stringify(key)}: "`, prefix, `"${i < entries.length - 1 ? ',' : ''}`);
  });
  parts.push('};\n', ROUTER_BODY);
  return Fn.join('', parts);
}

// The file part admits only what MediaPackage names files with: one or more path segments, each
// starting with a letter, digit, "_" or "-" (so no "", "." or ".." segment: each spelling of one
// object would be a separate cache key that forces origin fetches), no encoded characters.
export const ROUTER_BODY = `var LIVE = /^\\/live\\/([a-z0-9-]+)\\/(hls|dash|cmaf)\\/([A-Za-z0-9_-][A-Za-z0-9_.-]*(?:\\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*)$/;
function handler(event) {
  var request = event.request;
  var m = LIVE.exec(request.uri);
  if (m && m[3].indexOf('..') === -1) {
    var prefix = ROUTES[m[1] + '/' + m[2]];
    if (prefix) {
      request.uri = prefix + '/' + m[3];
      return request;
    }
  }
  return { statusCode: 404, statusDescription: 'Not Found' };
}
`;
