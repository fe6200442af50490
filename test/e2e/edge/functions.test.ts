import { apiRouterSource } from '../../../lib/constructs/delivery/functions/api-router';
import { LIVE_ROUTER_SOURCE } from '../../../lib/constructs/delivery/functions/live-router';
import { pathPatternMatcher } from './distribution';
import {
  compileFunction,
  type FunctionEffects,
  fromFunctionRequest,
  isResponse,
  toFunctionRequest,
} from './functions';
import { applyResponseHeaders, union } from './policies';

const event = (request: ReturnType<typeof toFunctionRequest>) => ({
  version: '1.0' as const,
  context: {
    distributionDomainName: 'd111111abcdef8.cloudfront.net',
    distributionId: 'EDFDVBD6EXAMPLE',
    eventType: 'viewer-request' as const,
    requestId: 'r1',
  },
  viewer: { ip: '203.0.113.7' },
  request,
});

describe('CloudFront Functions runtime', () => {
  test('the request object: lower-case headers, Cookie parsed into cookies, repeated values as multiValue, raw query', () => {
    const r = toFunctionRequest('GET', '/live/main/hls/index.m3u8?a=1&a=2&b=%2F', {
      host: ['d111111abcdef8.cloudfront.net'],
      'Accept-Language': ['en', 'fr'],
      cookie: ['x=1; CloudFront-Policy=p', 'x=2'],
    });
    expect(r).toEqual({
      method: 'GET',
      uri: '/live/main/hls/index.m3u8',
      querystring: { a: { value: '1', multiValue: [{ value: '1' }, { value: '2' }] }, b: { value: '%2F' } },
      headers: {
        host: { value: 'd111111abcdef8.cloudfront.net' },
        'accept-language': { value: 'en', multiValue: [{ value: 'en' }, { value: 'fr' }] },
      },
      cookies: {
        x: { value: '1', multiValue: [{ value: '1' }, { value: '2' }] },
        'CloudFront-Policy': { value: 'p' },
      },
    });
    expect(fromFunctionRequest(r)).toMatchObject({ path: '/live/main/hls/index.m3u8?a=1&a=2&b=%2F' });
  });

  test('runs the live router: the request unchanged plus its new origin, or its 404 response', async () => {
    const id = 'abcdef0123456789abcdef0123456789';
    const run = compileFunction(LIVE_ROUTER_SOURCE, {
      runtime: 'cloudfront-js-2.0',
      keyValueStores: {
        'arn:aws:cloudfront::111122223333:key-value-store/k1': new Map([[id, 'mp.example']]),
      },
    });
    const effects: FunctionEffects = {};
    const ok = await run(event(toFunctionRequest('GET', `/out/v1/${id}/index.m3u8?Policy=x`, {})), effects);
    expect(isResponse(ok)).toBe(false);
    expect(fromFunctionRequest(ok as never).path).toBe(`/out/v1/${id}/index.m3u8?Policy=x`);
    expect(effects.origin).toEqual({ domainName: 'mp.example' });
    const none: FunctionEffects = {};
    const nf = await run(event(toFunctionRequest('GET', `/out/v1/${'1'.repeat(32)}/index.m3u8`, {})), none);
    expect(nf).toEqual({ statusCode: 404, statusDescription: 'Not Found' });
    expect(none.origin).toBeUndefined();
  });

  test('updateRequestOrigin as documented: the cloudfront import on the first line, a DNS name, lower-case header names', async () => {
    const code = (body: string) =>
      `import cf from 'cloudfront';\nfunction handler(e) { ${body} return e.request; }`;
    const run = (body: string) =>
      compileFunction(code(body), { runtime: 'cloudfront-js-2.0' })(
        event(toFunctionRequest('GET', '/x', {})),
        {},
      );
    await expect(run("cf.updateRequestOrigin({ domainName: 'origin.example.com' });")).resolves.toBeDefined();
    await expect(run("cf.updateRequestOrigin({ domainName: '127.0.0.1' });")).rejects.toThrow(
      'invalid domainName',
    );
    await expect(run("cf.updateRequestOrigin({ domainName: 'a.example:8443' });")).rejects.toThrow(
      'invalid domainName',
    );
    await expect(run("cf.updateRequestOrigin({ customHeaders: { 'X-A': 'b' } });")).rejects.toThrow(
      'lower case',
    );
    expect(() =>
      compileFunction(`var x = 1;\nimport cf from 'cloudfront';\nfunction handler(e) { return e.request; }`, {
        runtime: 'cloudfront-js-2.0',
      }),
    ).toThrow("must be the function's first line");
  });

  test('passes viewer.ip to the function (the API router records it)', async () => {
    const run = compileFunction(apiRouterSource(['*']), { runtime: 'cloudfront-js-2.0' });
    const out = await run(event(toFunctionRequest('POST', '/api/playback/main/session', {})));
    expect(out).toMatchObject({
      uri: '/playback/main/session',
      headers: { 'x-onair-viewer-ip': { value: '203.0.113.7' } },
    });
  });

  test("js-2.0 imports: the cloudfront module's KeyValueStore, and nothing else", async () => {
    const code = `import cf from 'cloudfront';
const kvs = cf.kvs();
async function handler(event) {
  var origin = await kvs.get(event.request.uri.split('/')[2]);
  return { statusCode: 200, body: origin };
}`;
    const run = compileFunction(code, {
      runtime: 'cloudfront-js-2.0',
      keyValueStores: {
        'arn:aws:cloudfront::111122223333:key-value-store/k1': new Map([['main', 'mp-main']]),
      },
    });
    expect(await run(event(toFunctionRequest('GET', '/live/main/x', {})))).toEqual({
      statusCode: 200,
      body: 'mp-main',
    });
    expect(() =>
      compileFunction(`import fs from 'fs';\nfunction handler(e) { return e.request; }`, {
        runtime: 'cloudfront-js-2.0',
      }),
    ).toThrow('CloudFront Functions have no module "fs"');
  });
});

describe('behaviors and policies', () => {
  test('path patterns: * any run, ? one character, case-sensitive, leading slash optional', () => {
    expect(pathPatternMatcher('/live/main/*')('/live/main/hls/index.m3u8')).toBe(true);
    expect(pathPatternMatcher('/live/main/*')('/live/mainx/a')).toBe(false);
    expect(pathPatternMatcher('/live/main/*')('/Live/main/a')).toBe(false);
    expect(pathPatternMatcher('images/?.jpg')('/images/a.jpg')).toBe(true);
    expect(pathPatternMatcher('images/?.jpg')('/images/ab.jpg')).toBe(false);
  });

  test('an origin request policy adds to what the cache policy forwards', () => {
    expect(union({ kind: 'only', names: ['m'] }, { kind: 'all' })).toEqual({ kind: 'all' });
    expect(union({ kind: 'only', names: ['host'] }, { kind: 'allExcept', names: ['host', 'x'] })).toEqual({
      kind: 'allExcept',
      names: ['x'],
    });
  });

  test('CORS headers for allowed origins only; credentials with a list; preflight extras on OPTIONS', () => {
    const policy = {
      CorsConfig: {
        AccessControlAllowOrigins: { Items: ['https://www.example.com'] },
        AccessControlAllowMethods: { Items: ['GET', 'OPTIONS'] },
        AccessControlAllowHeaders: { Items: ['Range'] },
        AccessControlAllowCredentials: true,
        AccessControlMaxAgeSec: 600,
        OriginOverride: true,
      },
    };
    const h: Record<string, string | string[]> = { 'access-control-allow-origin': 'https://evil.example' };
    applyResponseHeaders(policy, { method: 'GET', headers: { origin: ['https://www.example.com'] } }, h);
    expect(h).toEqual({
      'access-control-allow-origin': 'https://www.example.com',
      'access-control-allow-credentials': 'true',
    });
    const pre: Record<string, string | string[]> = {};
    applyResponseHeaders(
      policy,
      {
        method: 'OPTIONS',
        headers: { origin: ['https://www.example.com'], 'access-control-request-method': ['GET'] },
      },
      pre,
    );
    expect(pre).toMatchObject({
      'access-control-allow-methods': 'GET,OPTIONS',
      'access-control-max-age': '600',
    });
    const other: Record<string, string | string[]> = {};
    applyResponseHeaders(policy, { method: 'GET', headers: { origin: ['https://evil.example'] } }, other);
    expect(other).toEqual({});
  });
});
