import { controlApi, OPERATOR } from './api';
import { AuthorizerRefused, HttpApiEmulator, RouteNotFound } from './api-gateway';

describe('API Gateway emulation from the synthesized routes', () => {
  const api = controlApi();

  test("a jwt channel's literal session route wins over {channelId} and yields no pathParameters", () => {
    const { route, event } = api.event({
      method: 'POST',
      path: '/playback/members/session',
      jwtClaims: { sub: 'v' },
    });
    expect(route.routeKey).toBe('POST /playback/members/session');
    expect(event.routeKey).toBe('POST /playback/members/session');
    expect(event).not.toHaveProperty('pathParameters');
  });

  test('a public channel has no route of its own: {channelId} serves it, without an authorizer', () => {
    const { route, event } = api.event({ method: 'POST', path: '/playback/main/session' });
    expect(route.routeKey).toBe('POST /playback/{channelId}/session');
    expect(event.pathParameters).toEqual({ channelId: 'main' });
    expect(event).not.toHaveProperty('requestContext.authorizer');
  });

  test('an unknown channel reaches the {channelId} route with its path parameter', () => {
    const { event } = api.event({ method: 'POST', path: '/playback/nope/session' });
    expect(event.routeKey).toBe('POST /playback/{channelId}/session');
    expect(event.pathParameters).toEqual({ channelId: 'nope' });
  });

  test('operator routes need a signed caller and carry it as authorizer.iam', () => {
    expect(() => api.event({ method: 'GET', path: '/channels/main/status' })).toThrow(AuthorizerRefused);
    const { event } = api.event({ method: 'GET', path: '/channels/main/status', iam: OPERATOR });
    expect(event.pathParameters).toEqual({ id: 'main' });
    expect(event.requestContext).toMatchObject({
      authorizer: { iam: { userArn: OPERATOR.userArn, accountId: OPERATOR.accountId } },
    });
    expect(event.requestContext.accountId).not.toBe(OPERATOR.accountId);
  });

  test('jwt routes carry the claims; without a token API Gateway answers 401', () => {
    expect(() => api.event({ method: 'POST', path: '/playback/members/session' })).toThrow(
      expect.objectContaining({ statusCode: 401 }),
    );
    const { event } = api.event({
      method: 'POST',
      path: '/playback/members/session',
      jwtClaims: { sub: 'u1' },
    });
    expect(event.requestContext).toMatchObject({ authorizer: { jwt: { claims: { sub: 'u1' } } } });
  });

  test('no route and wrong method are 404; the route list is the template’s', () => {
    expect(() => api.event({ method: 'GET', path: '/playback/main/session' })).toThrow(RouteNotFound);
    expect(() => api.event({ method: 'GET', path: '/nothing' })).toThrow(RouteNotFound);
    expect(api.routes.map((r) => r.routeKey)).toEqual(
      expect.arrayContaining([
        'GET /channels',
        'POST /channels/{id}/start',
        'POST /playback/{channelId}/session',
      ]),
    );
  });

  test('headers lower-cased and joined, cookies moved out, query joined, binary bodies base64', () => {
    const { event } = api.event({
      method: 'POST',
      path: '/playback/main/session?a=1&a=2&b=x%20y',
      headers: { 'X-Thing': ['1', '2'], Cookie: 'k=v; l=w', 'Content-Type': 'application/octet-stream' },
      body: '{}',
    });
    expect(event.headers['x-thing']).toBe('1,2');
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event.cookies).toEqual(['k=v', 'l=w']);
    expect(event.queryStringParameters).toEqual({ a: '1,2', b: 'x y' });
    expect(event.rawQueryString).toBe('a=1&a=2&b=x%20y');
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(String(event.body), 'base64').toString()).toBe('{}');
    const json = api.event({
      method: 'POST',
      path: '/playback/main/session',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.event).toMatchObject({ body: '{}', isBase64Encoded: false });
  });

  test('greedy variables and $default follow the documented order', () => {
    const integration = {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': ['Fn', 'Arn'] },
      },
    };
    const route = (key: string) => ({
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: { RouteKey: key, Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'I' }]] } },
    });
    const emu = new HttpApiEmulator({
      Resources: {
        I: integration,
        R1: route('GET /a/{proxy+}'),
        R2: route('GET /a/{x}'),
        R3: route('$default'),
        R4: route('ANY /b'),
      },
    });
    expect(emu.event({ method: 'GET', path: '/a/1' }).event.routeKey).toBe('GET /a/{x}');
    expect(emu.event({ method: 'GET', path: '/a/1/2' }).event.pathParameters).toEqual({ proxy: '1/2' });
    expect(emu.event({ method: 'PUT', path: '/b' }).event.routeKey).toBe('ANY /b');
    expect(emu.event({ method: 'GET', path: '/zzz' }).event.routeKey).toBe('$default');
  });
});
