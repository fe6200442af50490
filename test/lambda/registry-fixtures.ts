import { createHash } from 'node:crypto';
import {
  DynamoDBDocumentClient,
  type DynamoDBDocumentClientResolvedConfig,
  ScanCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/lib-dynamodb';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import { Env, ViewerAuth } from '../../lambda/shared/contract';
import type { Format } from '../../lambda/shared/manifests';
import { MANIFEST_FILES } from '../../lambda/shared/manifests';
import type { ChannelEntry, RegisteredChannel, Registry } from '../../lambda/shared/registry';

/** The registry table the functions under test read (lambda/shared/registry.ts). */
export const REGISTRY_TABLE = 'registry-table';
export const MEDIAPACKAGE_HOST = 'c4af3793bf76b33c.mediapackage.us-west-2.amazonaws.com';

/** A channel's endpoint path id as MediaPackage would generate it (32 hex digits, stable per channel and format). */
export function pathIdOf(channelId: string, format: Format): string {
  return createHash('sha256').update(`${channelId}/${format}`).digest('hex').slice(0, 32);
}

/** A registry item as the channel's registration custom resource writes it. */
export function registeredChannel(
  channelId: string,
  entry: ChannelEntry,
  overrides: Partial<RegisteredChannel> = {},
): RegisteredChannel {
  const media = Object.fromEntries(
    (['hls', 'dash', 'cmaf'] as const).map((f) => [
      f,
      { path: `/out/v1/${pathIdOf(channelId, f)}/${MANIFEST_FILES[f]}`, host: MEDIAPACKAGE_HOST },
    ]),
  ) as RegisteredChannel['media'];
  return {
    channelId,
    ...entry,
    auth: ViewerAuth.PUBLIC,
    idleMinutes: 30,
    autoRestart: false,
    media,
    owner: `arn:aws:cloudformation:us-west-2:111122223333:stack/OnAir-test-Channel-${channelId}/1/Registration`,
    registeredAt: '2026-11-25T09:00:00.000Z',
    ...overrides,
  };
}

/** Every channel of `registry` as registry items, with per-channel overrides. */
export function registeredChannels(
  registry: Registry,
  overrides: Readonly<Record<string, Partial<RegisteredChannel>>> = {},
): Record<string, RegisteredChannel> {
  return Object.fromEntries(
    Object.entries(registry).map(([id, entry]) => [id, registeredChannel(id, entry, overrides[id])]),
  );
}

/**
 * Points the function at the registry table and answers its Scan with `channels`. Call after each
 * `ddb.reset()`; the functions cache the registry per container, so one set per test file.
 * `scan` is the ScanCommand class of the module registry the function was loaded from (a test
 * that loads it with jest.isolateModules passes that copy's).
 */
export function serveRegistry(
  ddb: AwsStub<ServiceInputTypes, ServiceOutputTypes, DynamoDBDocumentClientResolvedConfig>,
  channels: Readonly<Record<string, RegisteredChannel>>,
  scan: typeof ScanCommand = ScanCommand,
): void {
  process.env[Env.REGISTRY_TABLE] = REGISTRY_TABLE;
  ddb.on(scan, { TableName: REGISTRY_TABLE }).resolves({ Items: Object.values(channels) });
}

const newRegistryTable = () => mockClient(DynamoDBDocumentClient);
let registryTable: ReturnType<typeof newRegistryTable> | undefined;

/**
 * For functions that use no other DynamoDB call: the registry table (DynamoDB, mocked) holds
 * `registry`'s channels, and the function is pointed at it.
 */
export function useRegistry(registry: Registry): void {
  registryTable ??= newRegistryTable();
  registryTable.reset();
  serveRegistry(registryTable, registeredChannels(registry));
}
