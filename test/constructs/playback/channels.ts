/** A channel of a test config (an RTMP push input) whose viewers authenticate with `auth`. */
export const channel = (id: string, auth: string) => ({
  id,
  input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] },
  playback: { auth },
});

/** The JWT issuer and audience of the test configs' jwt channels. */
export const JWT = { issuer: 'https://auth.example.com/', audience: ['onair-player'] };
