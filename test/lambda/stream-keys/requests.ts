import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { operatorEvent } from '../../support/api';

/** GET /channels/{id}/ingest as a signed operator sends it, through the synthesized routes. */
export function ingestRequest(id: string): APIGatewayProxyEventV2 {
  return operatorEvent('GET', `/channels/${id}/ingest`);
}

/** POST /channels/{id}/stream-key as a signed operator sends it (`body` as JSON text, if any). */
export function rotateRequest(id: string, body?: string): APIGatewayProxyEventV2 {
  return operatorEvent(
    'POST',
    `/channels/${id}/stream-key`,
    body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body },
  );
}
