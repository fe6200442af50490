import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { OnAirConfig } from '../../lib/config/schema';
import { synthOnAir, testConfig } from '../helpers';
import { type ApiRequest, HttpApiEmulator } from './api-gateway';

/**
 * Three channels, one per viewer auth mode: "main" public, "members" jwt, "partner" iam. Handler
 * tests take their events from this deployment's synthesized routes.
 */
export function threeAuthConfig(): OnAirConfig {
  const input = { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] };
  return testConfig({
    channels: [
      { id: 'main', input },
      { id: 'members', input, playback: { auth: 'jwt' } },
      { id: 'partner', input, playback: { auth: 'iam' } },
    ],
    playback: { jwt: { issuer: 'https://issuer.example.com/', audience: ['onair'] } },
  });
}

const cache = new Map<string, HttpApiEmulator>();

/** The control API of a synthesized deployment (default: {@link threeAuthConfig}), cached per config. */
export function controlApi(config: OnAirConfig = threeAuthConfig()): HttpApiEmulator {
  const key = JSON.stringify(config);
  let api = cache.get(key);
  if (api === undefined) {
    api = new HttpApiEmulator(synthOnAir(config).template);
    cache.set(key, api);
  }
  return api;
}

/** A signed operator (the AWS_IAM authorizer's view of a SigV4 caller). */
export const OPERATOR = {
  accountId: '444455556666',
  userArn: 'arn:aws:sts::444455556666:assumed-role/OnAirOperator/alice',
  userId: 'AROAEXAMPLEID:alice',
} as const;

/**
 * The event an operator's SigV4-signed request produces on {@link controlApi}: `path` may carry a
 * query string; `request` adds headers, a body or another caller. Throws like API Gateway (404
 * for no route).
 */
export function operatorEvent(
  method: string,
  path: string,
  request: Partial<Omit<ApiRequest, 'method' | 'path'>> = {},
): APIGatewayProxyEventV2 {
  return controlApi().event({ method, path, iam: OPERATOR, ...request }).event;
}
