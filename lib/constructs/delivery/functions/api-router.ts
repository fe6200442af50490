import { VIEWER_IP_HEADER } from '../../../../lambda/shared/origin-verify';

/**
 * Source of the CloudFront Function (cloudfront-js-2.0) in front of the control API's viewer
 * routes: `/api/playback/<…>` becomes `/playback/<…>` (the API's own paths), CORS preflights are
 * answered at the edge (the HTTP API has no OPTIONS routes), anything else is 404. It also sets
 * the viewer-IP header from CloudFront's view of the connection (for IP-bound sessions),
 * replacing whatever the viewer sent under that name.
 */
export function apiRouterSource(allowedOrigins: readonly string[]): string {
  return `var ORIGINS = ${JSON.stringify(allowedOrigins)};
var ANY = ORIGINS.indexOf('*') !== -1;
function handler(event) {
  var request = event.request;
  // Only /api/playback/<…> in plain form: no dot segments or encoded characters that the API
  // could resolve to another route.
  var uri = request.uri;
  if (uri.indexOf('/api/playback/') !== 0 || uri.indexOf('/.') !== -1 || uri.indexOf('%') !== -1) {
    return { statusCode: 404, statusDescription: 'Not Found' };
  }
  if (request.method === 'OPTIONS') {
    var origin = request.headers.origin ? request.headers.origin.value : '';
    var headers = { vary: { value: 'origin' } };
    if (ANY || ORIGINS.indexOf(origin) !== -1) {
      headers['access-control-allow-origin'] = { value: ANY ? '*' : origin };
      headers['access-control-allow-methods'] = { value: 'POST, OPTIONS' };
      headers['access-control-allow-headers'] = { value: 'authorization, content-type' };
      headers['access-control-max-age'] = { value: '600' };
      if (!ANY) headers['access-control-allow-credentials'] = { value: 'true' };
    }
    return { statusCode: 204, statusDescription: 'No Content', headers: headers };
  }
  request.uri = request.uri.substring(4);
  request.headers[${JSON.stringify(VIEWER_IP_HEADER.toLowerCase())}] = { value: event.viewer.ip };
  return request;
}
`;
}

/** Source of the default behavior's function: every path outside the configured behaviors is 404. */
export const NOT_FOUND_SOURCE = `function handler(event) {
  return { statusCode: 404, statusDescription: 'Not Found' };
}
`;
