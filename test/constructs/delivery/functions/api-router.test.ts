import { runInNewContext } from 'node:vm';
import { apiRouterSource, NOT_FOUND_SOURCE } from '../../../../lib/constructs/delivery/functions/api-router';

type Req = { method: string; uri: string; headers: Record<string, { value: string }> };
const load = (src: string) =>
  runInNewContext(`${src}; handler`) as (e: {
    viewer: { ip: string };
    request: Req;
  }) => Req & { statusCode?: number; headers: Record<string, { value: string }> };
const req = (method: string, uri: string, origin?: string): { viewer: { ip: string }; request: Req } => ({
  viewer: { ip: '203.0.113.7' },
  request: { method, uri, headers: origin ? { origin: { value: origin } } : {} },
});

describe('viewer API edge function', () => {
  const handler = load(apiRouterSource(['https://www.example.com']));

  test('strips /api so the control API sees its own /playback/… path', () => {
    expect(handler(req('POST', '/api/playback/main/session')).uri).toBe('/playback/main/session');
  });

  test("records CloudFront's view of the viewer IP, replacing a value the viewer sent", () => {
    const r = req('POST', '/api/playback/main/session');
    r.request.headers['x-onair-viewer-ip'] = { value: '198.51.100.1' };
    expect(handler(r).headers['x-onair-viewer-ip']).toEqual({ value: '203.0.113.7' });
  });

  test('anything outside /api/playback/ is 404', () => {
    expect(handler(req('POST', '/api/channels')).statusCode).toBe(404);
    expect(handler(req('GET', '/apiplayback/x')).statusCode).toBe(404);
    expect(handler(req('POST', '/api/playback/../channels/main/stop')).statusCode).toBe(404);
    expect(handler(req('POST', '/api/playback/%2e%2e/channels')).statusCode).toBe(404);
    expect(handler(req('POST', '/api/playback/./main/session')).statusCode).toBe(404);
  });

  test('answers CORS preflight for allowed origins only, with credentials', () => {
    const ok = handler(req('OPTIONS', '/api/playback/main/session', 'https://www.example.com'));
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']?.value).toBe('https://www.example.com');
    expect(ok.headers['access-control-allow-credentials']?.value).toBe('true');
    expect(ok.headers['access-control-allow-methods']?.value).toBe('POST, OPTIONS');
    const other = handler(req('OPTIONS', '/api/playback/main/session', 'https://evil.example'));
    expect(other.statusCode).toBe(204);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('with a wildcard origin, preflight allows any origin without credentials', () => {
    const any = load(apiRouterSource(['*']))(
      req('OPTIONS', '/api/playback/main/session', 'https://a.example'),
    );
    expect(any.headers['access-control-allow-origin']?.value).toBe('*');
    expect(any.headers['access-control-allow-credentials']).toBeUndefined();
  });

  test('the default behavior function answers 404 for everything', () => {
    expect(load(NOT_FOUND_SOURCE)(req('GET', '/live/main/hls/index.m3u8')).statusCode).toBe(404);
  });
});
