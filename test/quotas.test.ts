import hundred from '../config/examples/hundred-channels.json';
import { parseConfig } from '../lib/config/load';
import {
  CLOUDFRONT_SHAPE,
  inputSecurityGroupCount,
  QUOTAS,
  quotaDemands,
  renderQuotaPreflight,
} from '../lib/quotas';
import { renderSummary } from '../lib/summary';
import { testConfig } from './helpers';

const channel = (id: string, cidrs: string[]) => ({ id, input: { type: 'RTMP_PUSH', allowedCidrs: cidrs } });

describe('service-quota preflight', () => {
  test('one channel: every quota within its default, nothing to request', () => {
    const lines = renderQuotaPreflight(testConfig(), 'eu-west-1');
    expect(lines[0]).toBe(
      'Service quotas in eu-west-1 (defaults; other deployments in the account count against the same quotas):',
    );
    expect(lines.slice(1).every((l) => l.endsWith(': ok'))).toBe(true);
    expect(lines.join('\n')).not.toContain('REQUEST');
  });

  test('channels with the same allowed CIDRs (in any order, repeated) share one input security group', () => {
    const config = testConfig({
      channels: [
        channel('aa', ['203.0.113.0/24', '198.51.100.7/32']),
        channel('bb', ['198.51.100.7/32', '203.0.113.0/24', '203.0.113.0/24']),
        channel('cc', ['192.0.2.0/24']),
      ],
    });
    expect(inputSecurityGroupCount(config)).toBe(2);
  });

  test('the hundred-channel example: what to request before the first deploy, and the fixed CloudFront shape', () => {
    const config = parseConfig(hundred);
    const demands = new Map(quotaDemands(config).map((d) => [d.quota, d]));
    expect(demands.get(QUOTAS.medialiveChannels)).toMatchObject({ needed: 100, exceedsDefault: true });
    expect(demands.get(QUOTAS.medialivePushInputs)).toMatchObject({ needed: 100, exceedsDefault: true });
    expect(demands.get(QUOTAS.mediapackageChannels)).toMatchObject({ needed: 100, exceedsDefault: true });
    expect(demands.get(QUOTAS.mediapackageEndpointsPerChannel)).toMatchObject({
      needed: 3,
      exceedsDefault: false,
    });
    // One behavior, origin and function set whatever the channel count.
    expect(demands.get(QUOTAS.cloudfrontBehaviors)?.needed).toBe(CLOUDFRONT_SHAPE.behaviors);
    expect(demands.get(QUOTAS.cloudfrontOrigins)?.needed).toBe(CLOUDFRONT_SHAPE.origins);
    expect(demands.get(QUOTAS.cloudfrontKeyValueStoreBytes)?.exceedsDefault).toBe(false);
    const groups = inputSecurityGroupCount(config);
    expect(groups).toBeLessThan(config.channels.length);
    expect(demands.get(QUOTAS.medialiveInputSecurityGroups)?.needed).toBe(groups);

    const text = renderQuotaPreflight(config, 'us-west-2').join('\n');
    expect(text).toContain('MediaLive Channels');
    expect(text).toContain('needs 100, default 5 per Region: REQUEST an increase to at least 100');
    expect(text).toMatch(
      /Before the first deploy, request in Service Quotas \(us-west-2\): .*MediaLive "Channels" >= 100/,
    );
    expect(text).toContain('MediaPackage "Channels" >= 100');
  });

  test('the synth summary ends with the preflight, naming the target Region or saying it is unknown', () => {
    expect(renderSummary(testConfig(), 'ap-southeast-2')).toContain('Service quotas in ap-southeast-2');
    expect(renderSummary(testConfig())).toContain('Service quotas in the target Region');
  });
});
