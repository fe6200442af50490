import {
  AacCodingMode,
  AacInputType,
  AacProfile,
  AacRateControlMode,
  AacRawFormat,
  AacSpec,
  AudioDescriptionAudioTypeControl,
  AudioDescriptionLanguageCodeControl,
  type EncoderSettings,
  FrameCaptureIntervalUnit,
  GlobalConfigurationInputEndAction,
  GlobalConfigurationOutputTimingSource,
  H264AdaptiveQuantization,
  H264ColorMetadata,
  H264EntropyEncoding,
  H264FramerateControl,
  H264GopBReference,
  H264GopSizeUnits,
  H264Level,
  H264LookAheadRateControl,
  H264ParControl,
  H264Profile,
  H264RateControlMode,
  H264SceneChangeDetect,
  H264TimecodeInsertionBehavior,
  InputCodec,
  InputLossImageType,
  InputMaximumBitrate,
  InputResolution,
  type InputSpecification,
  M2tsRateMode,
  type Output,
  type OutputGroup,
  TimecodeConfigSource,
  type VideoDescription,
  VideoDescriptionRespondToAfd,
  VideoDescriptionScalingBehavior,
} from '@aws-sdk/client-medialive';
import { THUMBNAIL_NAME_MODIFIER } from '../../lambda/shared/contract';
import type { Rendition } from './ladders';
import { LATENCY_PROFILES, type LatencyMode } from './latency';

/** Destination ids referenced by output groups; the transcode construct fills them in. */
export const MEDIAPACKAGE_DESTINATION_ID = 'mediapackage';
export const ARCHIVE_DESTINATION_ID = 'archive';
export const FRAME_CAPTURE_DESTINATION_ID = 'thumbnails';
/** Frame captures (posters, the live thumbnail) are this wide; the height follows the top rung's aspect. */
export const FRAME_CAPTURE_WIDTH = 640;
export const AUDIO_DESCRIPTION_NAME = 'audio_aac';
export const AUDIO_SELECTOR_NAME = 'default';

export interface EncoderSettingsOptions {
  /** Renditions, highest first. */
  readonly renditions: readonly Rendition[];
  readonly latency: LatencyMode;
  /** Output frame rate (frames per second). MediaPackage output groups need it specified. */
  readonly framerate: number;
  /** Seconds per archive file; no archive output group when absent. */
  readonly archiveRolloverSeconds?: number;
  /** Seconds between frame captures (JPEG); no frame capture output group when absent. */
  readonly frameCaptureIntervalSeconds?: number;
}

function videoDescription(
  r: Rendition,
  gopSeconds: number,
  lookAhead: 'LOW' | 'MEDIUM',
  framerate: number,
): VideoDescription {
  return {
    Name: `video_${r.name}`,
    Width: r.width,
    Height: r.height,
    ScalingBehavior: VideoDescriptionScalingBehavior.DEFAULT,
    RespondToAfd: VideoDescriptionRespondToAfd.NONE,
    Sharpness: 50,
    CodecSettings: {
      H264Settings: {
        RateControlMode: H264RateControlMode.QVBR,
        MaxBitrate: r.maxBitrateKbps * 1000,
        QvbrQualityLevel: r.qvbrQuality,
        // A VBV buffer of twice the ceiling keeps QVBR from starving complex scenes.
        BufSize: r.maxBitrateKbps * 2000,
        // Closed, fixed-length GOPs aligned across rungs: every segment of every rendition
        // starts with an IDR frame at the same timestamp, which ABR switching needs.
        GopSize: gopSeconds,
        GopSizeUnits: H264GopSizeUnits.SECONDS,
        GopClosedCadence: 1,
        GopNumBFrames: 2,
        GopBReference: H264GopBReference.ENABLED,
        SceneChangeDetect: H264SceneChangeDetect.DISABLED,
        LookAheadRateControl: H264LookAheadRateControl[lookAhead],
        // AUTO picks the AQ strength per scene; MediaLive then ignores SpatialAq/TemporalAq.
        AdaptiveQuantization: H264AdaptiveQuantization.AUTO,
        EntropyEncoding: H264EntropyEncoding.CABAC,
        Profile: r.height >= 540 ? H264Profile.HIGH : H264Profile.MAIN,
        Level: H264Level.H264_LEVEL_AUTO,
        ColorMetadata: H264ColorMetadata.INSERT,
        ParControl: H264ParControl.SPECIFIED,
        ParNumerator: 1,
        ParDenominator: 1,
        TimecodeInsertion: H264TimecodeInsertionBehavior.DISABLED,
        // MediaPackage output groups accept only a specified frame rate and pixel aspect ratio.
        FramerateControl: H264FramerateControl.SPECIFIED,
        FramerateNumerator: framerate,
        FramerateDenominator: 1,
      },
    },
  };
}

/**
 * Builds a channel's EncoderSettings: one video description per rung, one shared AAC stereo
 * audio description, a MediaPackage output group with one output per rung and, when archiving,
 * an Archive output group recording the top rung as MPEG-TS.
 */
export function buildEncoderSettings(opts: EncoderSettingsOptions): EncoderSettings {
  const profile = LATENCY_PROFILES[opts.latency];
  const videos = opts.renditions.map((r) =>
    videoDescription(r, profile.gopSeconds, profile.lookAhead, opts.framerate),
  );
  const top = opts.renditions[0];
  const audioKbps = top !== undefined && top.height >= 720 ? 128 : 96;

  const packagingOutputs: Output[] = opts.renditions.map((r) => ({
    OutputName: `mp_${r.name}`,
    VideoDescriptionName: `video_${r.name}`,
    AudioDescriptionNames: [AUDIO_DESCRIPTION_NAME],
    OutputSettings: { MediaPackageOutputSettings: {} },
  }));
  const groups: OutputGroup[] = [
    {
      Name: 'mediapackage',
      OutputGroupSettings: {
        MediaPackageGroupSettings: { Destination: { DestinationRefId: MEDIAPACKAGE_DESTINATION_ID } },
      },
      Outputs: packagingOutputs,
    },
  ];
  if (opts.archiveRolloverSeconds !== undefined && top !== undefined) {
    groups.push({
      Name: 'archive',
      OutputGroupSettings: {
        ArchiveGroupSettings: {
          Destination: { DestinationRefId: ARCHIVE_DESTINATION_ID },
          RolloverInterval: opts.archiveRolloverSeconds,
        },
      },
      Outputs: [
        {
          OutputName: `archive_${top.name}`,
          VideoDescriptionName: `video_${top.name}`,
          AudioDescriptionNames: [AUDIO_DESCRIPTION_NAME],
          OutputSettings: {
            ArchiveOutputSettings: {
              NameModifier: `_${top.name}`,
              Extension: 'ts',
              ContainerSettings: { M2tsSettings: { RateMode: M2tsRateMode.VBR } },
            },
          },
        },
      ],
    });
  }

  if (opts.frameCaptureIntervalSeconds !== undefined && top !== undefined) {
    // A video description of its own: frame capture encodes JPEG, not H.264 (MediaLive user
    // guide, "Frame capture output group"); FrameCaptureSettings sets the interval.
    videos.push({
      Name: 'video_thumbnail',
      Width: FRAME_CAPTURE_WIDTH,
      Height: Math.round((FRAME_CAPTURE_WIDTH * top.height) / top.width / 2) * 2,
      ScalingBehavior: VideoDescriptionScalingBehavior.DEFAULT,
      RespondToAfd: VideoDescriptionRespondToAfd.NONE,
      Sharpness: 50,
      CodecSettings: {
        FrameCaptureSettings: {
          CaptureInterval: opts.frameCaptureIntervalSeconds,
          CaptureIntervalUnits: FrameCaptureIntervalUnit.SECONDS,
        },
      },
    });
    groups.push({
      Name: 'thumbnails',
      OutputGroupSettings: {
        FrameCaptureGroupSettings: { Destination: { DestinationRefId: FRAME_CAPTURE_DESTINATION_ID } },
      },
      Outputs: [
        {
          OutputName: 'thumbnail',
          VideoDescriptionName: 'video_thumbnail',
          OutputSettings: { FrameCaptureOutputSettings: { NameModifier: THUMBNAIL_NAME_MODIFIER } },
        },
      ],
    });
  }

  return {
    TimecodeConfig: { Source: TimecodeConfigSource.SYSTEMCLOCK },
    GlobalConfiguration: {
      // An RTMP encoder that disconnects must not end the channel; viewers see the last
      // frame, then black, until the streamer reconnects.
      InputEndAction: GlobalConfigurationInputEndAction.NONE,
      OutputTimingSource: GlobalConfigurationOutputTimingSource.SYSTEM_CLOCK,
      InputLossBehavior: {
        RepeatFrameMsec: 1000,
        BlackFrameMsec: 10000,
        InputLossImageType: InputLossImageType.COLOR,
        InputLossImageColor: '000000',
      },
    },
    AudioDescriptions: [
      {
        Name: AUDIO_DESCRIPTION_NAME,
        AudioSelectorName: AUDIO_SELECTOR_NAME,
        AudioTypeControl: AudioDescriptionAudioTypeControl.FOLLOW_INPUT,
        LanguageCodeControl: AudioDescriptionLanguageCodeControl.FOLLOW_INPUT,
        CodecSettings: {
          AacSettings: {
            Bitrate: audioKbps * 1000,
            CodingMode: AacCodingMode.CODING_MODE_2_0,
            InputType: AacInputType.NORMAL,
            Profile: AacProfile.LC,
            RateControlMode: AacRateControlMode.CBR,
            RawFormat: AacRawFormat.NONE,
            SampleRate: 48000,
            Spec: AacSpec.MPEG4,
          },
        },
      },
    ],
    VideoDescriptions: videos,
    OutputGroups: groups,
  };
}

/** Input classes MediaLive provisions (and bills) for; see the input specification pricing. */
const RESOLUTION_MAX_HEIGHT: Readonly<Record<InputResolution, number>> = {
  [InputResolution.SD]: 576,
  [InputResolution.HD]: 1080,
  [InputResolution.UHD]: 2160,
};

export function maxHeightForInputResolution(resolution: InputResolution): number {
  return RESOLUTION_MAX_HEIGHT[resolution];
}

/**
 * The input class MediaLive provisions and bills: HD (what OBS pushes) unless a rung needs UHD;
 * the bitrate class leaves room for a contribution stream about twice the top rung's ceiling.
 * A config may set either explicitly (e.g. SD for a known SD source).
 */
export function buildInputSpecification(
  renditions: readonly Rendition[],
  overrides: { resolution?: InputResolution; maximumBitrate?: InputMaximumBitrate } = {},
): InputSpecification {
  const topHeight = Math.max(...renditions.map((r) => r.height));
  const topKbps = Math.max(...renditions.map((r) => r.maxBitrateKbps));
  // The input class describes what the encoder pushes, not the ladder: OBS and most
  // contribution encoders send 720p or 1080p, so HD unless a rung needs UHD.
  const resolution = topHeight <= RESOLUTION_MAX_HEIGHT.HD ? InputResolution.HD : InputResolution.UHD;
  const maximumBitrate =
    topKbps * 2 <= 10000
      ? InputMaximumBitrate.MAX_10_MBPS
      : topKbps * 2 <= 20000
        ? InputMaximumBitrate.MAX_20_MBPS
        : InputMaximumBitrate.MAX_50_MBPS;
  return {
    Codec: InputCodec.AVC,
    Resolution: overrides.resolution ?? resolution,
    MaximumBitrate: overrides.maximumBitrate ?? maximumBitrate,
  };
}
