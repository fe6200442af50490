import { generateKeyPairSync } from 'node:crypto';

/**
 * What the session function's tests sign with: a fresh 2048-bit RSA pair (PEM, as the signing-key
 * secret holds it), the key group's id for it, the secrets' ARNs and the distribution's domain.
 */
export const pair = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
export const KEY_ID = 'K3AAAAEXAMPLE1';
export const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:SigningKeysKeyv1-abc';
export const ORIGIN_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:PlaybackOriginSecret-xyz';
export const DOMAIN = 'd111111abcdef8.cloudfront.net';
