import 'aws-sdk-client-mock-jest';
import { ChannelState } from '@aws-sdk/client-medialive';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { ChannelEntry } from '../../../lambda/shared/registry';
import { type CredentialKind, rotationToken } from '../../../lambda/stream-keys/credential';
import { applyPendingRotation, requestRotation } from '../../../lambda/stream-keys/engine';
import { STREAM_KEY } from '../../../lambda/stream-keys/stream-key';
import { IngestWorld } from './fake';
import { REGISTRY } from './fixtures';
import { useStreamKeyAws } from './setup';

const { ml, sm, clients, opts } = useStreamKeyAws();
const entry = REGISTRY.main as ChannelEntry;

/**
 * Another kind of credential, shaped the way one that is not a stream key could be: its own
 * values, its own input fields (here stream names with a prefix) and its own reading of the input.
 */
let generated = 0;
const OTHER: CredentialKind = {
  id: 'test-passphrase',
  name: 'test passphrase',
  readAtStart: false,
  secretArn: (e) => e.key,
  generate: () => `passphrase-${++generated}`,
  inputFields: (e, value) => ({
    Destinations: Array.from({ length: e.p }, () => ({ StreamName: `${e.app}/pp-${value}` })),
  }),
  endpoints: (e, input) =>
    (input.Destinations ?? []).map((d) => {
      const m = new RegExp(`/${e.app}/pp-(.+)$`).exec(d.Url ?? '');
      return { value: m?.[1], unreported: d.Url === undefined };
    }),
};

test('the rotation token is derived per kind: kinds never share a version token', () => {
  expect(rotationToken(OTHER, 'v-old')).not.toBe(rotationToken(STREAM_KEY, 'v-old'));
  expect(rotationToken(OTHER, 'v-old')).toBe(rotationToken(OTHER, 'v-old'));
});

test('the engine rotates a credential of any kind: its value, its input fields, its token', async () => {
  const w = new IngestWorld(entry, 'old-value').install(ml, sm);

  const out = await requestRotation(clients, { kind: OTHER, channelId: 'main', entry }, opts);

  const value = `passphrase-${generated}`;
  expect(out).toMatchObject({ rotated: true, value, rotationPending: false });
  expect(w.valueOf('AWSCURRENT')).toBe(value);
  expect(w.streamNames).toEqual([`main/pp-${value}`, `main/pp-${value}`]);
  expect(sm).toHaveReceivedCommandWith(PutSecretValueCommand, {
    ClientRequestToken: rotationToken(OTHER, 'v-old'),
    SecretString: value,
  });
});

test('a pending request of another kind is applied at the next IDLE just the same', async () => {
  const w = new IngestWorld(entry, 'old-value', [ChannelState.RUNNING]).install(ml, sm);
  const credential = { kind: OTHER, channelId: 'main', entry };
  await expect(requestRotation(clients, credential, opts)).resolves.toMatchObject({ pending: true });

  w.script(ChannelState.IDLE);
  await expect(applyPendingRotation(clients, credential, { ...opts, eventState: 'STOPPED' })).resolves.toBe(
    'rotated',
  );
  expect(w.streamNames).toEqual(Array(2).fill(`main/pp-${w.valueOf('AWSCURRENT')}`));
});
