import { IngestProtocol } from '../../../lambda/shared/contract';
import type { Registry } from '../../../lambda/shared/registry';
import { useRegistry as serve } from '../registry-fixtures';

export const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:OnAirStreamKey-AbCdEf';
export const CHANNEL_ARN = 'arn:aws:medialive:eu-west-1:111122223333:channel:1234567';
export const SRT_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:OnAirPassphrase-QrStUv';
export const SRT_CHANNEL_ARN = 'arn:aws:medialive:eu-west-1:111122223333:channel:4444444';

/**
 * The stream-key tests' channels: "main" (RTMP, STANDARD, 2 endpoints), "side" (RTMP,
 * SINGLE_PIPELINE) and "studio" (SRT listener, STANDARD).
 */
export const REGISTRY: Registry = {
  main: { ml: '1234567', in: '7654321', key: SECRET_ARN, mp: 'mp-main', app: 'main', p: 2 },
  side: {
    ml: '2222222',
    in: '3333333',
    key: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:OnAirSide-XyZxYz',
    mp: 'mp-side',
    app: 'side',
    p: 1,
  },
  studio: {
    ml: '4444444',
    in: '5555555',
    key: SRT_SECRET_ARN,
    mp: 'mp-studio',
    app: 'studio',
    p: 2,
    t: IngestProtocol.SRT_LISTENER,
  },
};

/** The registry table (mocked) holds {@link REGISTRY}; the functions read it from there. */
export function useRegistry(): void {
  serve(REGISTRY);
}
