import { type App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addOnAir, stackTree } from '../../lib/app';
import { loadConfig } from '../../lib/config/load';

/**
 * The logical id and type of every resource of every stack the app synthesizes for a config
 * (sorted), e.g. `{ "OnAir-dev": ["ChannelsMainTranscodeChannel1234 AWS::MediaLive::Channel", …] }`.
 * A changed logical id makes CloudFormation replace the resource, so these are a contract.
 *
 * `npx tsx test/support/logical-ids.ts config/default.json` prints the listing as JSON
 * (how test/fixtures/logical-ids/*.json were produced).
 */
export function logicalIds(app: App, configPath: string): Record<string, string[]> {
  addOnAir(app, loadConfig(configPath), { nag: false });
  app.synth();
  const out: Record<string, string[]> = {};
  // Every stack, nested ones (a channel's) under their path, e.g. "OnAir-dev/Channel-main".
  for (const stack of app.node.children.filter(Stack.isStack).flatMap((s) => stackTree(s))) {
    const name = stack.nested ? stack.node.path : stack.stackName;
    const { Resources } = Template.fromStack(stack).toJSON() as {
      Resources: Record<string, { Type: string }>;
    };
    out[name] = Object.entries(Resources)
      .map(([id, r]) => `${id} ${r.Type}`)
      .sort();
  }
  return out;
}

if (require.main === module) {
  const { testApp } = require('../helpers') as typeof import('../helpers');
  const ids = logicalIds(testApp(), process.argv[2] ?? 'config/default.json');
  process.stdout.write(`${JSON.stringify(ids, null, 2)}\n`);
}
