import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { alarmDescription, CDN_ALARM_SCOPE, INPUT_PRESENT_MBPS } from '../../../lambda/shared/contract';
import type { AlarmThresholds } from '../../config/schema';
import type { Packaging } from '../channel/packaging';
import type { Transcode } from '../channel/transcode';
import type { DistributionMetrics } from '../delivery/distribution-metrics';

/** Alarms per pipeline: active alerts, input loss, low frame rate, dropped frames, output errors. */
export const ALARMS_PER_PIPELINE = 5;
/** Alarms per channel regardless of class: MediaPackage ingress stopped, MediaPackage egress 5xx. */
export const ALARMS_PER_CHANNEL = 2;
/** SINGLE_PIPELINE: 7 alarms; STANDARD: 12. */
export function alarmCount(pipelines: number): number {
  return pipelines * ALARMS_PER_PIPELINE + ALARMS_PER_CHANNEL;
}

const MINUTE = Duration.minutes(1);

/** Props for {@link ChannelAlarms}. */
export interface ChannelAlarmsProps {
  /** OnAir channel id (slug), used in alarm descriptions. */
  readonly channelId: string;
  /** The channel's MediaLive channel: alarms per pipeline on its metrics. */
  readonly transcode: Transcode;
  /** The channel's MediaPackage channel: ingress and egress alarms on its metrics. */
  readonly packaging: Packaging;
  readonly thresholds: AlarmThresholds;
  /** Receives ALARM and OK transitions. */
  readonly topic: sns.ITopic;
}

/**
 * Health alarms of one channel. Every alarm treats missing data as not breaching: MediaLive
 * publishes no datapoints while a channel is idle, and an idle channel is healthy.
 */
export class ChannelAlarms extends Construct {
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ChannelAlarmsProps) {
    super(scope, id);
    const t = props.thresholds;
    const evaluation = { evaluationPeriods: t.evaluationMinutes, datapointsToAlarm: t.evaluationMinutes };
    const add = (
      alarmId: string,
      what: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      comparisonOperator: cloudwatch.ComparisonOperator,
      minutes = evaluation,
    ) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: alarmDescription(props.channelId, what),
        metric,
        threshold,
        comparisonOperator,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...minutes,
      });
      alarm.addAlarmAction(new actions.SnsAction(props.topic));
      alarm.addOkAction(new actions.SnsAction(props.topic));
      this.alarms.push(alarm);
    };
    const ge = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
    const ml = props.transcode;

    for (let p = 0; p < ml.pipelines; p++) {
      const on = ` on pipeline ${p}`;
      add(`ActiveAlerts${p}`, `MediaLive active alerts${on}`, ml.metricActiveAlerts(p), t.activeAlerts, ge);
      add(
        `InputLoss${p}`,
        `input loss (seconds per minute)${on}`,
        ml.metricInputLossSeconds(p),
        t.inputLossSecondsPerMinute,
        ge,
      );
      add(
        `LowFrameRate${p}`,
        `input frame rate below ${t.minInputFrameRate} fps${on}`,
        ml.metricInputVideoFrameRate(p),
        t.minInputFrameRate,
        cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      );
      add(
        `DroppedFrames${p}`,
        `dropped frames${on}`,
        ml.metricDroppedFrames(p),
        t.droppedFramesPerMinute,
        ge,
      );
      add(
        `OutputErrors${p}`,
        `output 4xx/5xx errors (to MediaPackage${ml.archived ? ' and the archive' : ''})${on}`,
        ml.metricOutputErrors(p),
        t.outputErrorsPerMinute,
        ge,
      );
    }

    // Once it has had input, MediaLive keeps sending MediaPackage fill frames when the input is
    // lost; but a channel waiting for its first input produces no output at all, so IngressBytes
    // is 0 on every channel started before its streamer connects. Ingress only counts as stopped
    // while input arrives (NetworkIn of any pipeline above the idle-stop noise threshold).
    const netin: Record<string, cloudwatch.IMetric> = {};
    for (let p = 0; p < ml.pipelines; p++) netin[`netin${p}`] = ml.metricNetworkIn(p);
    // One comparison per pipeline joined with OR: unambiguous per-minute semantics (no
    // array function whose result could be a scalar).
    const inputPresent = Object.keys(netin)
      .map((k) => `FILL(${k}, 0) > ${INPUT_PRESENT_MBPS}`)
      .join(' OR ');
    add(
      'IngressStopped',
      'MediaPackage ingress stopped while MediaLive receives input',
      new cloudwatch.MathExpression({
        expression: `IF((${inputPresent}) AND FILL(ingress, 0) <= ${t.ingressBytesPerMinute}, 1, 0)`,
        usingMetrics: {
          ...netin,
          ingress: props.packaging.metricIngressBytes(),
        },
        label: 'Ingress stopped (1 = yes)',
        period: MINUTE,
      }),
      1,
      ge,
      // MediaPackage may publish the newest minute later than MediaLive (filled as 0 meanwhile):
      // at least 3 breaching minutes in a row, so that minute alone never alarms.
      {
        evaluationPeriods: Math.max(3, t.evaluationMinutes),
        datapointsToAlarm: Math.max(3, t.evaluationMinutes),
      },
    );
    add(
      'Egress5xx',
      'MediaPackage egress 5xx responses',
      props.packaging.metricEgressRequests('5xx'),
      t.egress5xxPerMinute,
      ge,
    );
  }
}

/** Props for {@link CdnAlarms}. */
export interface CdnAlarmsProps {
  /** The distribution's metrics (the edge stack knows only its id). */
  readonly distribution: DistributionMetrics;
  readonly thresholds: AlarmThresholds;
  readonly topic: sns.ITopic;
}

/** CDN alarms: 5xx error rate and origin latency. Must live in a us-east-1 stack. */
export class CdnAlarms extends Construct {
  public readonly errorRate: cloudwatch.Alarm;
  public readonly originLatency: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: CdnAlarmsProps) {
    super(scope, id);
    const t = props.thresholds;
    const common = {
      evaluationPeriods: t.evaluationMinutes,
      datapointsToAlarm: t.evaluationMinutes,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    };
    this.errorRate = new cloudwatch.Alarm(this, 'ErrorRate5xx', {
      ...common,
      alarmDescription: alarmDescription(CDN_ALARM_SCOPE, 'CloudFront 5xx error rate'),
      metric: props.distribution.metric5xxErrorRate(),
      threshold: t.cdn5xxErrorRatePercent,
    });
    // OriginLatency is one of CloudFront's additional metrics (a monitoring subscription on
    // the distribution, created with it in the platform stack).
    this.originLatency = new cloudwatch.Alarm(this, 'OriginLatency', {
      ...common,
      alarmDescription: alarmDescription(CDN_ALARM_SCOPE, 'CloudFront origin latency (p90)'),
      metric: props.distribution.metricOriginLatency(),
      threshold: t.cdnOriginLatencyMs,
    });
    for (const alarm of [this.errorRate, this.originLatency]) {
      alarm.addAlarmAction(new actions.SnsAction(props.topic));
      alarm.addOkAction(new actions.SnsAction(props.topic));
    }
  }
}
