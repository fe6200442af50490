import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { MediaLiveClient } from '@aws-sdk/client-medialive';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ladderLabel } from '../../cli/commands/channels';
import { listChannels } from '../../lambda/channel-control/control';
import { parseRegistrationProperties } from '../../lambda/channel-registration/registration';
import { REGISTRATION_RESOURCE_TYPE } from '../../lambda/shared/contract';
import { parseRegisteredChannel } from '../../lambda/shared/registry';
import { synthOnAir, testConfig } from '../helpers';
import { registeredChannel } from '../lambda/registry-fixtures';

const ddb = mockClient(DynamoDBDocumentClient);

/** Each Ref / Fn::GetAtt replaced by a string naming it (the ids only a deployment knows). */
function resolved(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolved);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::')))
    return `deployed:${JSON.stringify(value)}`;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolved(v)]));
}

test('GET /channels shows the ladder the channel registered at deploy: rungs, frame rate and GOP from the config', async () => {
  const config = testConfig({
    channels: [
      {
        id: 'main',
        input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] },
        ladder: '540p',
        framerate: 25,
        latency: 'low',
      },
    ],
  });
  const { channelTemplate } = synthOnAir(config);
  const [registration] = Object.values(channelTemplate('main').findResources(REGISTRATION_RESOURCE_TYPE));
  // What the provider receives: the synthesized properties (every leaf a string, as CloudFormation
  // sends them), resource references standing in for the ids CloudFormation would resolve.
  const props = parseRegistrationProperties(resolved(registration.Properties));
  expect(props.Entry.ladder).toEqual([
    { name: '540p', width: 960, height: 540, maxBitrateKbps: 1800, framerate: 25, gopSeconds: 1 },
    { name: '360p', width: 640, height: 360, maxBitrateKbps: 700, framerate: 25, gopSeconds: 1 },
    { name: '288p', width: 512, height: 288, maxBitrateKbps: 400, framerate: 25, gopSeconds: 1 },
  ]);

  // The registry item the provider writes (its other fields as a registration writes them).
  const fixture = registeredChannel('main', props.Entry);
  const item = parseRegisteredChannel({ ...fixture, ...props.Entry });
  ddb.on(BatchGetCommand).resolves({ Responses: { status: [] } });
  const [summary] = await listChannels({
    medialive: new MediaLiveClient({ region: 'us-west-2' }),
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-west-2' })),
    registry: { main: item },
    statusTable: 'status',
    playbackDomain: 'd111111abcdef8.cloudfront.net',
  });
  expect(summary.ladder).toEqual(props.Entry.ladder);
  // The CLI's channels table.
  expect(ladderLabel(summary as never)).toBe('540p/360p/288p');
});
