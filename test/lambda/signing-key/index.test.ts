import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import {
  CloudFrontClient,
  CreatePublicKeyCommand,
  DeletePublicKeyCommand,
  GetPublicKeyCommand,
  ListKeyGroupsCommand,
  ListPublicKeysCommand,
} from '@aws-sdk/client-cloudfront';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { logger } from '../../../lambda/shared/powertools';
import { keyGroupComment } from '../../../lambda/shared/signing-keys';
import { onEvent } from '../../../lambda/signing-key/index';

const cfMock = mockClient(CloudFrontClient);
const smMock = mockClient(SecretsManagerClient);
const clients = (now = new Date('2030-01-01T12:00:00Z')) => ({
  cf: new CloudFrontClient({ region: 'us-east-1' }),
  sm: new SecretsManagerClient({ region: 'eu-west-1' }),
  now: () => now,
});
const SECRET = (v: number) => `arn:aws:secretsmanager:eu-west-1:111122223333:secret:key-v${v}-AbCdEf`;
const props = (version: number, role: 'current' | 'previous', extra: Record<string, string> = {}) => ({
  ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:provider',
  Version: String(version),
  Role: role,
  SecretArn: SECRET(version),
  KeyGroupName: 'OnAir-dev-playback',
  NamePrefix: 'OnAir-dev',
  GuardSeconds: '7500',
  ...extra,
});
const base = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:provider',
  ResponseURL: 'https://cloudformation-custom-resource-response.example/',
  StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/OnAir-dev/1',
  RequestId: 'b1f1c9a4-0000-4000-8000-000000000001',
  LogicalResourceId: 'SigningKeysKeyv2',
  ResourceType: 'Custom::OnAirSigningKey',
};
const create = (p: ReturnType<typeof props>) =>
  ({ ...base, RequestType: 'Create', ResourceProperties: p }) as CloudFormationCustomResourceEvent;
const update = (id: string, p: ReturnType<typeof props>, old: ReturnType<typeof props>) =>
  ({
    ...base,
    RequestType: 'Update',
    PhysicalResourceId: id,
    ResourceProperties: p,
    OldResourceProperties: old,
  }) as CloudFormationCustomResourceEvent;
const del = (id: string, p: ReturnType<typeof props>) =>
  ({
    ...base,
    RequestType: 'Delete',
    PhysicalResourceId: id,
    ResourceProperties: p,
  }) as CloudFormationCustomResourceEvent;

/** The account's key group and public keys before the deployment. */
function account(group: string[] | undefined, created: Record<string, string>, comment?: string) {
  cfMock.on(ListKeyGroupsCommand).resolves({
    KeyGroupList: {
      MaxItems: 100,
      Quantity: group ? 2 : 1,
      Items: [
        {
          KeyGroup: {
            Id: 'kg-other',
            LastModifiedTime: new Date(),
            KeyGroupConfig: { Name: 'someone-else', Items: ['KOTHER0001'] },
          },
        },
        ...(group
          ? [
              {
                KeyGroup: {
                  Id: 'kg-1',
                  LastModifiedTime: new Date(),
                  KeyGroupConfig: { Name: 'OnAir-dev-playback', Items: group, Comment: comment },
                },
              },
            ]
          : []),
      ],
    },
  });
  cfMock.on(ListPublicKeysCommand).resolves({
    PublicKeyList: {
      MaxItems: 100,
      Quantity: Object.keys(created).length,
      Items: Object.entries(created).map(([Id, t]) => ({
        Id,
        Name: Id,
        CreatedTime: new Date(t),
        EncodedKey: 'x',
      })),
    },
  });
}

beforeEach(() => {
  cfMock.reset();
  smMock.reset();
  cfMock.on(CreatePublicKeyCommand).resolves({
    PublicKey: { Id: 'KNEW00000001', CreatedTime: new Date(), PublicKeyConfig: undefined },
    ETag: 'E1',
  });
  smMock.on(PutSecretValueCommand).resolves({});
});
afterEach(() => jest.restoreAllMocks());

describe('signing key custom resource', () => {
  test('create registers an RSA-2048 public key and stores exactly its private half in the version secret', async () => {
    account(undefined, {});
    const res = await onEvent(create(props(1, 'current')), clients());
    expect(res).toEqual({ PhysicalResourceId: 'KNEW00000001', Data: { PublicKeyId: 'KNEW00000001' } });
    expect(cfMock).toHaveReceivedCommandWith(CreatePublicKeyCommand, {
      PublicKeyConfig: expect.objectContaining({
        CallerReference: base.RequestId,
        Name: expect.stringMatching(/^OnAir-dev-v1-[0-9a-f]{8}$/),
        EncodedKey: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----\n/),
        Comment: 'OnAir playback signing key v1',
      }),
    });
    const encoded =
      cfMock.commandCalls(CreatePublicKeyCommand)[0]?.args[0].input.PublicKeyConfig?.EncodedKey ?? '';
    const publicKey = createPublicKey(encoded);
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(smMock).toHaveReceivedCommandWith(PutSecretValueCommand, { SecretId: SECRET(1) });
    const stored = JSON.parse(
      smMock.commandCalls(PutSecretValueCommand)[0]?.args[0].input.SecretString ?? '{}',
    );
    expect(stored.keyPairId).toBe('KNEW00000001');
    expect(Date.parse(stored.createdAt)).not.toBeNaN();
    const sig = sign('RSA-SHA1', Buffer.from('policy'), createPrivateKey(stored.privateKey));
    expect(verify('RSA-SHA1', Buffer.from('policy'), publicKey, sig)).toBe(true);
  });

  test('create removes the public key again when the secret cannot be written', async () => {
    account(undefined, {});
    smMock
      .on(PutSecretValueCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    cfMock.on(GetPublicKeyCommand).resolves({ ETag: 'E9' });
    await expect(onEvent(create(props(1, 'current')), clients())).rejects.toThrow('denied');
    expect(cfMock).toHaveReceivedCommandWith(DeletePublicKeyCommand, { Id: 'KNEW00000001', IfMatch: 'E9' });
  });

  test('delete fetches the ETag and deletes the key; an absent key is already deleted', async () => {
    cfMock.on(GetPublicKeyCommand).resolves({ ETag: 'E7' });
    await expect(onEvent(del('KOLD00000001', props(1, 'previous')), clients())).resolves.toEqual({
      PhysicalResourceId: 'KOLD00000001',
    });
    expect(cfMock).toHaveReceivedCommandWith(DeletePublicKeyCommand, { Id: 'KOLD00000001', IfMatch: 'E7' });
    cfMock.reset();
    cfMock.on(GetPublicKeyCommand).rejects(Object.assign(new Error('gone'), { name: 'NoSuchPublicKey' }));
    await expect(onEvent(del('KOLD00000001', props(1, 'previous')), clients())).resolves.toBeDefined();
    expect(cfMock).toHaveReceivedCommandTimes(DeletePublicKeyCommand, 0);
  });

  test('delete of a key never created (failed create) calls nothing', async () => {
    await onEvent(del('2030/01/01/[$LATEST]abc', props(1, 'current')), clients());
    expect(cfMock.calls()).toHaveLength(0);
  });

  test('delete of a key still in a key group fails with a clear message', async () => {
    cfMock.on(GetPublicKeyCommand).resolves({ ETag: 'E7' });
    cfMock.on(DeletePublicKeyCommand).rejects(Object.assign(new Error('in use'), { name: 'PublicKeyInUse' }));
    await expect(onEvent(del('KOLD00000001', props(1, 'previous')), clients())).rejects.toThrow(
      'public key KOLD00000001 is still in a key group',
    );
  });

  test('throttling and CloudFront 5xx errors fail the request (CloudFormation reports them)', async () => {
    account(undefined, {});
    cfMock
      .on(CreatePublicKeyCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'Throttling', $fault: 'client' }));
    await expect(onEvent(create(props(1, 'current')), clients())).rejects.toThrow('slow down');
    cfMock
      .on(GetPublicKeyCommand)
      .rejects(Object.assign(new Error('boom'), { name: 'InternalError', $fault: 'server' }));
    await expect(onEvent(del('KOLD00000001', props(1, 'previous')), clients())).rejects.toThrow('boom');
  });

  describe('rotation', () => {
    test('v1 -> v2: the new current key is created and v1 stays trusted (nothing retires)', async () => {
      account(['KV1000000001'], { KV1000000001: '2029-06-01T00:00:00Z' });
      const res = await onEvent(
        create(props(2, 'current', { PreviousPublicKeyId: 'KV1000000001' })),
        clients(),
      );
      expect(res.PhysicalResourceId).toBe('KNEW00000001');
      // the old key is neither touched nor deleted
      expect(cfMock).toHaveReceivedCommandTimes(DeletePublicKeyCommand, 0);
      const demote = await onEvent(
        update('KV1000000001', props(1, 'previous'), props(1, 'current')),
        clients(),
      );
      expect(demote).toEqual({ PhysicalResourceId: 'KV1000000001', Data: { PublicKeyId: 'KV1000000001' } });
      expect(cfMock).toHaveReceivedCommandTimes(CreatePublicKeyCommand, 1);
    });

    test('v2 -> v3 retires v1 only once v2 has signed for a full session TTL (+ margin)', async () => {
      const group = ['KV2000000002', 'KV1000000001'];
      const created = { KV1000000001: '2030-01-01T00:00:00Z', KV2000000002: '2030-01-01T11:00:00Z' };
      account(group, created);
      const ev = create(props(3, 'current', { PreviousPublicKeyId: 'KV2000000002' }));
      await expect(onEvent(ev, clients(new Date('2030-01-01T12:00:00Z')))).rejects.toThrow(
        'retiring public key(s) KV1000000001 now would cut off sessions signed until 2030-01-01T11:00:00.000Z (sessions last up to 125 minutes including margin and signing grace); deploy this rotation after 2030-01-01T13:05:00.000Z',
      );
      expect(cfMock).toHaveReceivedCommandTimes(CreatePublicKeyCommand, 0);
      expect(smMock).toHaveReceivedCommandTimes(PutSecretValueCommand, 0);
      const later = await onEvent(ev, clients(new Date('2030-01-01T13:05:00Z')));
      expect(later.PhysicalResourceId).toBe('KNEW00000001');
      expect(smMock).toHaveReceivedCommandWith(PutSecretValueCommand, { SecretId: SECRET(3) });
    });

    test('skipping a version (v3 -> v5) would retire the key signing today and is refused', async () => {
      account(['KV3000000003', 'KV2000000002'], {
        KV2000000002: '2029-01-01T00:00:00Z',
        KV3000000003: '2029-02-01T00:00:00Z',
      });
      await expect(
        onEvent(create(props(5, 'current', { PreviousPublicKeyId: 'KV4000000004' })), clients()),
      ).rejects.toThrow(
        "this deployment would stop trusting public key KV3000000003, which signs today's sessions; raise playback.signingKeyVersion by exactly one per deployment",
      );
    });

    test('lowering the version (v3 -> v2) is refused where it creates v1 as the previous key', async () => {
      account(['KV3000000003', 'KV2000000002'], {
        KV2000000002: '2029-01-01T00:00:00Z',
        KV3000000003: '2029-02-01T00:00:00Z',
      });
      await expect(onEvent(create(props(1, 'previous')), clients())).rejects.toThrow(
        "this deployment would stop trusting public key KV3000000003, which signs today's sessions",
      );
      expect(cfMock).toHaveReceivedCommandTimes(CreatePublicKeyCommand, 0);
    });

    test('a first deployment at version 2 creates the previous key too (no key group yet)', async () => {
      account(undefined, {});
      const res = await onEvent(create(props(1, 'previous')), clients());
      expect(res.PhysicalResourceId).toBe('KNEW00000001');
    });

    test('rollback of a rotation: v2 goes back previous -> current while the key group still trusts v3; the update succeeds', async () => {
      // The key group was already updated to [v3, v2] when the deployment failed.
      account(['KV3000000003', 'KV2000000002'], {
        KV2000000002: '2029-01-01T00:00:00Z',
        KV3000000003: '2030-01-01T11:59:00Z',
      });
      const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
      const res = await onEvent(
        update(
          'KV2000000002',
          props(2, 'current', { PreviousPublicKeyId: 'KV1000000001' }),
          props(2, 'previous'),
        ),
        clients(),
      );
      expect(res).toEqual({ PhysicalResourceId: 'KV2000000002', Data: { PublicKeyId: 'KV2000000002' } });
      expect(cfMock).toHaveReceivedCommandTimes(CreatePublicKeyCommand, 0);
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/^this key change may cut off live sessions/),
        expect.objectContaining({ reason: expect.stringContaining('KV3000000003') }),
      );
    });

    test('an update never fails on the guard, even when CloudFront cannot be read', async () => {
      cfMock.on(ListKeyGroupsCommand).rejects(Object.assign(new Error('slow down'), { name: 'Throttling' }));
      jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
      await expect(
        onEvent(update('KV2000000002', props(2, 'current'), props(2, 'previous')), clients()),
      ).resolves.toEqual({ PhysicalResourceId: 'KV2000000002', Data: { PublicKeyId: 'KV2000000002' } });
    });

    test('a rotation deployed with a shorter session TTL still waits for the TTL the key group was deployed with', async () => {
      account(
        ['KV2000000002', 'KV1000000001'],
        { KV1000000001: '2030-01-01T00:00:00Z', KV2000000002: '2030-01-01T11:00:00Z' },
        keyGroupComment(7500),
      );
      const ev = create(props(3, 'current', { PreviousPublicKeyId: 'KV2000000002', GuardSeconds: '1500' }));
      // 1500 s after v2 was created has passed, 7500 s has not
      await expect(onEvent(ev, clients(new Date('2030-01-01T12:00:00Z')))).rejects.toThrow(
        'deploy this rotation after 2030-01-01T13:05:00.000Z',
      );
      await expect(onEvent(ev, clients(new Date('2030-01-01T13:05:00Z')))).resolves.toBeDefined();
    });

    test('a changed version or secret on the same resource creates a new key (CloudFormation deletes the old one)', async () => {
      account(undefined, {});
      const res = await onEvent(
        update('KV1000000001', props(1, 'current', { SecretArn: SECRET(9) }), props(1, 'current')),
        clients(),
      );
      expect(res.PhysicalResourceId).toBe('KNEW00000001');
      expect(smMock).toHaveReceivedCommandWith(PutSecretValueCommand, { SecretId: SECRET(9) });
    });
  });

  test('old properties an earlier release wrote differently (a field missing, one unknown) do not replace the key', async () => {
    account(undefined, {});
    const { KeyGroupName: _dropped, ...older } = props(1, 'current');
    const res = await onEvent(
      update('KV1000000001', props(1, 'current'), { ...older, Legacy: 'x' } as never),
      clients(),
    );
    expect(res.PhysicalResourceId).toBe('KV1000000001');
    expect(cfMock).not.toHaveReceivedCommand(CreatePublicKeyCommand);
    expect(smMock).not.toHaveReceivedCommand(PutSecretValueCommand);
  });

  test('malformed properties are rejected', async () => {
    await expect(
      onEvent(create({ ...props(1, 'current'), Role: 'primary' as 'current' }), clients()),
    ).rejects.toThrow(/Role/);
  });
});
