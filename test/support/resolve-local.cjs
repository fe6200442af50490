// Preloaded (NODE_OPTIONS=--require) into a bundle's process by test/build/bundles.test.ts: names
// under ".localhost" resolve to 127.0.0.1, as RFC 6761 reserves them for loopback. CloudFront
// KeyValueStore's endpoint rules put the account id in front of any endpoint's host
// (`<account>.<host>`), which a bare 127.0.0.1 cannot take and the system resolver does not answer.
const dns = require('node:dns');
const lookup = dns.lookup;
dns.lookup = function localhostLookup(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'function' ? {} : (options ?? {});
  if (typeof hostname === 'string' && hostname.endsWith('.localhost')) {
    if (opts.all) return process.nextTick(cb, null, [{ address: '127.0.0.1', family: 4 }]);
    return process.nextTick(cb, null, '127.0.0.1', 4);
  }
  return lookup.call(this, hostname, options, callback);
};
