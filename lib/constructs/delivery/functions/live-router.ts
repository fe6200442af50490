import { ENDPOINT_PATH_ID_SOURCE, MEDIA_FILE_SOURCE } from '../../../../lambda/shared/contract';

/**
 * Source of the CloudFront Function (cloudfront-js-2.0, viewer request) of the one live behavior
 * `/out/v1/*`. It validates the path, looks the endpoint's path id up in the function's
 * KeyValueStore (written at deploy by each channel's registration custom resource) and sends the
 * request to that MediaPackage host with `cf.updateRequestOrigin({ domainName })`: every other
 * origin setting, the CDN identifier header included, is inherited from the behavior's origin
 * (CloudFront developer guide, "Helper methods for origin modification": "If this is not provided,
 * then any custom headers from the assigned origin are used"). The URI is never changed, so a
 * signature is checked against the same URI whichever order CloudFront applies. Anything else is
 * a 404 answered at the edge, without an origin request.
 *
 * The source is the same for any number of channels: the table lives in the store, not here
 * (functions are limited to 10 KB, not adjustable). `import cf from 'cloudfront'` must be the first
 * line. One `kvs.get` per request, awaited on its own: the developer guide warns that promise
 * combinators may exceed the function's memory.
 */
export const LIVE_ROUTER_SOURCE = `import cf from 'cloudfront';
var kvs = cf.kvs();
var LIVE = /^\\/out\\/v1\\/(${ENDPOINT_PATH_ID_SOURCE})\\/(${MEDIA_FILE_SOURCE})$/;
async function handler(event) {
  var request = event.request;
  var m = LIVE.exec(request.uri);
  if (m && m[2].indexOf('..') === -1) {
    var host;
    try {
      host = await kvs.get(m[1]);
    } catch (e) {
      host = undefined;
    }
    if (host) {
      cf.updateRequestOrigin({ domainName: host });
      return request;
    }
  }
  return { statusCode: 404, statusDescription: 'Not Found' };
}
`;
