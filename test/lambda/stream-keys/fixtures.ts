import type { Registry } from '../../../lambda/shared/registry';

export const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:OnAirStreamKey-AbCdEf';
export const CHANNEL_ARN = 'arn:aws:medialive:eu-west-1:111122223333:channel:1234567';

/** The stream-key tests' channels: "main" (STANDARD, 2 endpoints) and "side" (SINGLE_PIPELINE). */
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
};

export function useRegistry(): void {
  process.env.ONAIR_CHANNELS = JSON.stringify(REGISTRY);
}
