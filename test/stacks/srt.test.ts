import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { addOnAir } from '../../lib/app';
import { loadConfig } from '../../lib/config/load';
import { cdkJsonContext } from '../helpers';

/** The SRT example's cloud assembly, synthesized as `cdk synth` writes it (assets staged). */
function synthesizeSrtExample() {
  const outdir = mkdtempSync(join(tmpdir(), 'onair-srt-'));
  const app = new App({ outdir, context: { ...cdkJsonContext() }, builtinCloudFormationValidation: false });
  const stacks = addOnAir(app, loadConfig('config/examples/srt.json'), { nag: false });
  const assembly = app.synth();
  const template = assembly.getStackByName(stacks.platform.stackName).template as Template;
  // Each channel's resources are in its nested stack's template, by channel id.
  const channels = new Map(
    stacks.platform.channelStacks.map((s) => [
      s.channel.channelId,
      JSON.parse(readFileSync(join(outdir, s.templateFile), 'utf8')) as Template,
    ]),
  );
  return { outdir, template, channels };
}

type Template = {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, unknown>;
};

describe('config/examples/srt.json: SRT channels beside an RTMP one', () => {
  const { outdir, template, channels } = synthesizeSrtExample();
  const resources = Object.entries(template.Resources);
  const channelResources = [...channels].flatMap(([channelId, t]) =>
    Object.entries(t.Resources).map(([id, r]) => ({ channelId, id, r })),
  );
  const passphrases = channelResources.filter(
    ({ id, r }) => r.Type === 'AWS::SecretsManager::Secret' && id.includes('IngestPassphrase'),
  );

  test('one passphrase secret per SRT channel, one stream key for the RTMP channel', () => {
    expect(passphrases.map((p) => p.channelId)).toEqual(['studio', 'field']);
    const keys = channelResources.filter(
      ({ id, r }) => r.Type === 'AWS::SecretsManager::Secret' && id.includes('StreamKey'),
    );
    expect(keys.map((k) => k.channelId)).toEqual(['lobby']);
    const inputs = channelResources
      .filter(({ r }) => r.Type === 'AWS::MediaLive::Input')
      .map(({ r }) => r.Properties?.Type);
    expect(inputs.sort()).toEqual(['RTMP_PUSH', 'SRT_LISTENER', 'SRT_LISTENER']);
  });

  test('no passphrase in the cloud assembly: generated at deploy, named by ARN, never resolved or output', () => {
    for (const { r: secret } of passphrases) {
      expect(secret.Properties?.SecretString).toBeUndefined();
      expect(secret.Properties?.GenerateSecretString).toBeDefined();
    }
    const ids = passphrases.map((p) => p.id);
    const files = readdirSync(outdir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) {
      const text = readFileSync(join(outdir, f), 'utf8');
      // A dynamic reference would put the value into a resource property at deploy.
      for (const id of ids) expect(text).not.toMatch(new RegExp(`resolve:secretsmanager:[^"]*${id}`));
      expect(text).not.toMatch(/passphrase=/i);
    }
    // Outputs name no passphrase secret at all (not even its ARN).
    expect(JSON.stringify(template.Outputs ?? {})).not.toMatch(/IngestPassphrase/);
    for (const t of channels.values())
      expect(JSON.stringify(t.Outputs ?? {})).not.toMatch(/IngestPassphrase/);
  });

  test('the functions learn which channels are SRT from the registry (each channel registers its input type)', () => {
    const entries = [...channels].map(([channelId, t]) => {
      const reg = Object.values(t.Resources).find((r) => r.Type === 'Custom::OnAirChannelRegistration');
      return [channelId, (reg?.Properties?.Entry as { t?: string } | undefined)?.t] as const;
    });
    expect(entries).toEqual([
      ['studio', 'SRT_LISTENER'],
      ['field', 'SRT_LISTENER'],
      ['lobby', undefined],
    ]);
    // No function's environment carries a registry.
    for (const [, r] of resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function'))
      expect(JSON.stringify(r.Properties?.Environment ?? {})).not.toContain('SRT_LISTENER');
  });
});
