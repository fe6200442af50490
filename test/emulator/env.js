// Defaults for the emulator suite; the SDK reads them when the handlers' clients first send.
if (!process.env.AWS_ENDPOINT_URL)
  throw new Error('set AWS_ENDPOINT_URL to the emulator, e.g. http://127.0.0.1:5055');
process.env.AWS_REGION ??= 'eu-west-1';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
