import { type Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  Env,
  SESSION_ROUTE,
  SESSION_TTL_SECONDS,
  sessionPath,
  ViewerAuth,
} from '../../../lambda/shared/contract';
import type { Recordings } from '../archive/recordings';
import type { ChannelRegistry } from '../channel/channel-registry';
import { AppFunction } from '../core/app-function';
import { type ControlApi, SESSION_THROTTLE } from '../core/control-api';
import type { PlaybackOriginSecret } from './playback-origin';
import type { PlaybackSigningKeys } from './signing-keys';

export { ViewerAuth };

export interface PlaybackChannel {
  readonly channelId: string;
  readonly auth: ViewerAuth;
}

/** Props for {@link Playback}. */
export interface PlaybackProps {
  /** Channels and their viewer auth; jwt and iam channels get their own route. */
  readonly channels: readonly PlaybackChannel[];
  /** The registry the function reads each channel's auth mode and media paths from. */
  readonly registry: ChannelRegistry;
  readonly controlApi: ControlApi;
  readonly signingKeys: PlaybackSigningKeys;
  /**
   * The secret whose value CloudFront sends on `/api/playback/*` (see {@link PlaybackOriginSecret}):
   * the function trusts the edge-recorded viewer IP only on requests that carry it.
   */
  readonly originSecret: secretsmanager.ISecret;
  /** Host name viewers play from (distribution or custom domain); the policies name it. */
  readonly domainName: string;
  readonly sessionTtl: Duration;
  /**
   * Bind each session to the viewer's IP address.
   * @default - false
   */
  readonly bindSourceIp?: boolean;
  /**
   * JWT issuer and audiences; required when a channel uses {@link ViewerAuth.JWT}.
   * @default - no JWT authorizer
   */
  readonly jwt?: { readonly issuer: string; readonly audience: readonly string[] };
  /**
   * The recordings index: the session route then also issues sessions for published recordings
   * and lists them (body `{"recording": …}` or `{"list": "recordings"}`).
   * @default - no recording sessions (404) and empty listings
   */
  readonly recordings?: Recordings;
}

/** A channel's session route (the generic form, {@link SESSION_ROUTE}, is shared with the function). */
export const SESSION_PATH = sessionPath;

/**
 * The playback-session function and its routes: `POST /playback/{channelId}/session` without an
 * authorizer serves public channels (and answers 404 for unknown ids, 401 for a jwt or iam
 * channel reached there), and each jwt or iam channel has its literal route with its authorizer
 * (API Gateway prefers literal routes). A hundred public channels add no route; the function
 * reads each channel's auth mode and media paths from the registry and checks the mode again.
 */
export class Playback extends Construct {
  public readonly sessionFunction: AppFunction;
  public readonly jwtAuthorizer?: authorizers.HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: PlaybackProps) {
    super(scope, id);
    const ttl = props.sessionTtl.toSeconds();
    if (ttl < SESSION_TTL_SECONDS.min || ttl > SESSION_TTL_SECONDS.max) {
      throw new Error(`session ttl must be 1 minute to 24 hours, got ${ttl} seconds`);
    }
    const needsJwt = props.channels.filter((c) => c.auth === ViewerAuth.JWT).map((c) => c.channelId);
    if (needsJwt.length > 0 && props.jwt === undefined) {
      throw new Error(
        `channels ${needsJwt.join(', ')} use jwt viewer auth but no jwt issuer and audience are set`,
      );
    }

    const keys = props.signingKeys;
    this.sessionFunction = new AppFunction(this, 'SessionFunction', {
      entry: 'playback-session',
      description: 'OnAir: issues signed playback sessions (CloudFront cookies + signed manifest URLs)',
      environment: {
        [Env.PLAYBACK_DOMAIN]: props.domainName,
        [Env.SIGNING_KEY_SECRET_ARN]: keys.current.secret.secretArn,
        [Env.SIGNING_KEY_ID]: keys.current.publicKeyId,
        // Signs for a grace period after a rotation (lambda/shared/signing-keys.ts).
        ...(keys.previous
          ? {
              [Env.PREVIOUS_SIGNING_KEY_SECRET_ARN]: keys.previous.secret.secretArn,
              [Env.PREVIOUS_SIGNING_KEY_ID]: keys.previous.publicKeyId,
            }
          : {}),
        [Env.SESSION_TTL_SECONDS]: String(ttl),
        [Env.BIND_SOURCE_IP]: String(props.bindSourceIp ?? false),
        [Env.ORIGIN_SECRET_ARN]: props.originSecret.secretArn,
        ...(props.recordings ? { [Env.RECORDINGS_TABLE]: props.recordings.table.tableName } : {}),
      },
    });
    props.recordings?.grantViewerRead(this.sessionFunction.function);
    props.registry.grantRead(this.sessionFunction.function);
    keys.grantSign(this.sessionFunction.role);
    props.originSecret.grantRead(this.sessionFunction.role);
    // Sign with a new key only once the key group trusts it.
    this.sessionFunction.node.addDependency(keys.keyGroup);

    if (props.jwt !== undefined && needsJwt.length > 0) {
      this.jwtAuthorizer = new authorizers.HttpJwtAuthorizer('ViewerJwt', props.jwt.issuer, {
        jwtAudience: [...props.jwt.audience],
      });
    }
    const fn = this.sessionFunction.function;
    const api = props.controlApi;
    const guarded = props.channels.filter((c) => c.auth !== ViewerAuth.PUBLIC);
    if (guarded.length > 0) {
      // One integration (and one invoke permission) for every guarded channel's route: a
      // permission per route would grow the function's resource policy with every channel.
      const integration = new integrations.HttpLambdaIntegration('SessionIntegration', fn, {
        scopePermissionToRoute: false,
      });
      for (const ch of guarded) {
        const routes = api.addRouteTo(
          integration,
          apigw.HttpMethod[SESSION_ROUTE.method],
          SESSION_PATH(ch.channelId),
          ch.auth === ViewerAuth.IAM ? 'iam' : this.jwtAuthorizer,
        );
        api.throttleRoutes(routes, SESSION_THROTTLE);
      }
    }
    const unknown = props.controlApi.addRoute(
      'SessionUnknown',
      apigw.HttpMethod.POST,
      SESSION_PATH('{channelId}'),
      fn,
      undefined,
    );
    api.throttleRoutes(unknown, SESSION_THROTTLE);
    for (const r of unknown)
      Validations.of(r).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'serves the public channels (public by config: anyone may obtain a short, endpoint-scoped, expiring playback session; media still needs it) and answers 404 for unknown ids; jwt and iam channels have their own authorized routes, and the function re-checks each channel’s auth mode from the registry',
      });
  }
}
