import { Conflict, HttpError, ServiceUnavailable } from '../../../../lambda/shared/errors';
import { InputBusy, PromotionPending } from '../../../../lambda/stream-keys/errors';
import { pendingConflict, toHttpError } from '../../../../lambda/stream-keys/handlers/http';

describe('the HTTP edge maps the stream-key domain errors, and only there', () => {
  test('InputBusy (idle channel, MediaLive busy with the input) → 409 with Retry-After, not pending', () => {
    const mapped = toHttpError(new InputBusy('main', 'IDLE'));
    expect(mapped).toBeInstanceOf(Conflict);
    expect(mapped).toMatchObject({
      statusCode: 409,
      retryAfterSeconds: 10,
      details: { channelId: 'main', state: 'IDLE' },
      message: 'the input of channel "main" is being changed; nothing was rotated, retry shortly',
    });
  });

  test('PromotionPending (new key on the input, not current yet) → 503 with Retry-After and rotationPending', () => {
    const mapped = toHttpError(new PromotionPending('main', 'stream key'));
    expect(mapped).toBeInstanceOf(ServiceUnavailable);
    expect(mapped).toMatchObject({
      statusCode: 503,
      retryAfterSeconds: 10,
      details: { channelId: 'main', rotationPending: true },
      message:
        'the new stream key of channel "main" is on the input but could not be made current yet; retry the rotation',
    });
  });

  test('every other error passes unchanged (AWS errors and HttpErrors map themselves in httpHandler)', () => {
    const aws = Object.assign(new Error('x'), { name: 'ThrottlingException' });
    expect(toHttpError(aws)).toBe(aws);
    const notFound = new Conflict('c');
    expect(toHttpError(notFound)).toBe(notFound);
  });

  test('a rotation recorded as pending → 409 pending with the channel state', () => {
    expect(pendingConflict('main', 'RUNNING')).toMatchObject({
      statusCode: 409,
      details: { channelId: 'main', pending: true, state: 'RUNNING' },
    });
  });

  test('the domain errors are not HTTP errors', () => {
    expect(new InputBusy('main', 'IDLE')).not.toBeInstanceOf(HttpError);
    expect(new PromotionPending('main', 'stream key')).not.toBeInstanceOf(HttpError);
  });
});
