/** Smoke's viewer steps: every format plays, refusals at the edge and the origin, latency. */
import { randomBytes } from 'node:crypto';
import { authOf, bare, walkFormat, withoutSession } from '../../check';
import { pollMs, sleep } from '../../context';
import { httpRequest } from '../../http';
import { glassToGlass, latencyModel } from '../../latency';
import { toolPath } from '../../media/tools';
import { FORMATS } from '../../model';
import { duration } from '../../output';
import { createSession, manifestUrl } from '../../session';
import { directOriginStatuses, originEndpoints } from '../../smoke';
import { type SmokeChannel, StepFailed } from './runner';

/** The HLS live edge play-hls measured, for the latency step. */
interface HlsEdge {
  segment?: number;
  picture?: number;
  timestamp?: number;
}

/** Runs the viewer steps in order, on one viewer session: play-<format>…, no-session, unrouted-404, origin-direct, latency. */
export async function viewerSteps(s: SmokeChannel): Promise<void> {
  const { d, api, id, ch } = s;
  const session = await createSession(d, api, id, { token: s.options.token }, ch).catch((err: Error) => err);
  let hlsEdge: HlsEdge = {};
  for (const format of FORMATS) {
    await s.run.step(
      `play-${format}`,
      async () => {
        if (session instanceof Error)
          throw new StepFailed(`no viewer session: ${session.message}`, 'see `onair play` for the same call');
        const v = session.urls[format]
          ? session
          : await createSession(d, api, id, { token: s.options.token, format }, ch);
        const url = manifestUrl(v, format);
        // Wait for the first segments: MediaPackage publishes once a few segments are packaged.
        const t0 = Date.now();
        for (;;) {
          const byCookie = await walkFormat(format, url, authOf(v, format, 'cookie'), {
            ffmpeg: format === 'hls' ? toolPath('ffmpeg') : undefined,
          });
          const bySigned = await walkFormat(format, url, authOf(v, format, 'signed'));
          const problems = [...byCookie.problems, ...bySigned.problems];
          if (problems.length === 0) {
            if (format === 'hls')
              hlsEdge = {
                segment: byCookie.segmentSeconds,
                picture: byCookie.liveEdgeByPictureSeconds,
                timestamp: byCookie.liveEdgeByTimestampSeconds,
              };
            return `${byCookie.renditions.length} rendition(s), newest segments 200 with cookies and with the signed URL`;
          }
          if (Date.now() - t0 > s.run.limit(90_000) || problems.some((p) => / 403/.test(p)))
            throw new StepFailed(
              problems.slice(0, 3).join('; '),
              problems.some((p) => / 403/.test(p))
                ? 'CloudFront refused a signed session: check the key group and the behavior (docs/first-deploy-checks.md); `onair check` shows every request'
                : 'the origin serves nothing: is the stream arriving (`onair status`, MediaLive alerts)? MediaPackage needs a few segments first',
            );
          s.ctx.out.progress(`${format}: waiting for segments (${duration(Date.now() - t0)})`);
          await sleep(pollMs(4));
        }
      },
      { needs: ['live'] },
    );
  }

  await s.run.step('no-session', async () => {
    if (session instanceof Error) throw new StepFailed('no viewer session', 'see play-hls');
    const url = manifestUrl(session, 'hls');
    const r = await withoutSession(url);
    if (!r.refused)
      throw new StepFailed(
        `the manifest without a session answered ${r.status}, not 403`,
        'the live behavior must trust the key group (lib/constructs/delivery.ts); redeploy',
      );
    return `${bare(url).replace(/^https:\/\/[^/]+/, '')} without a session: 403`;
  });

  await s.run.step(
    'unrouted-404',
    async () => {
      if (session instanceof Error) throw new StepFailed('no viewer session', 'see play-hls');
      const url = manifestUrl(session, 'hls');
      // A file name the live router does not route, inside the session's signed path (a session is
      // scoped to its endpoint's /out/v1/<id>/, so an unknown endpoint id is CloudFront's 403, not
      // the router's): the viewer-request function answers 404 itself, without an origin request.
      const unrouted = new URL(url);
      unrouted.pathname = unrouted.pathname.replace(
        /[^/]+$/,
        `~onair-smoke-${randomBytes(8).toString('hex')}.m3u8`,
      );
      const probe = await httpRequest(unrouted.toString()).catch(() => ({ status: 0 }));
      if (probe.status !== 404)
        throw new StepFailed(
          `a path the live router does not route, signed, answered ${probe.status || 'nothing'}, not 404`,
          "the live behavior's viewer-request function must answer 404 for anything it does not route (lib/constructs/delivery/functions/live-router.ts); redeploy",
        );
      return `${bare(unrouted.toString()).replace(/^https:\/\/[^/]+/, '')}, signed: 404 at the edge`;
    },
    { needs: ['play-hls'] },
  );

  await s.run.step('origin-direct', async () => {
    const endpoints = await originEndpoints(s.aws, d, id);
    if (endpoints.length === 0)
      throw new StepFailed(
        `no MediaPackage endpoints found for ${id}`,
        'your credentials need mediapackage:ListOriginEndpoints (docs/cli.md#permissions)',
      );
    const statuses = await directOriginStatuses(endpoints);
    const unreachable = statuses.filter((st) => st.status === 0);
    if (unreachable.length > 0)
      throw new StepFailed(
        `unreachable (no HTTP answer): ${unreachable.map((st) => bare(st.url)).join(', ')}`,
        'the MediaPackage endpoint did not answer at all: check your network (a proxy or firewall), then the endpoint in the MediaPackage console',
      );
    const open = statuses.filter((st) => st.status !== 403);
    if (open.length > 0)
      throw new StepFailed(
        `served without the CDN header: ${open.map((st) => `${st.status} ${bare(st.url)}`).join(', ')}`,
        'every endpoint needs CDN authorization (lib/constructs/channel/packaging.ts); redeploy',
      );
    return `${statuses.length} MediaPackage manifest(s) without the CDN identifier header: 403`;
  });

  await s.run.step(
    'latency',
    async () => {
      const seg = hlsEdge.segment;
      const edge = hlsEdge.picture ?? hlsEdge.timestamp;
      if (seg === undefined || edge === undefined)
        throw new StepFailed('no live edge measured', 'see play-hls');
      const model = latencyModel(s.settings.keyframeSeconds, seg);
      const measured = glassToGlass(edge, seg);
      const text = `measured ~${measured.toFixed(1)} s glass-to-glass (${hlsEdge.picture !== undefined ? 'picture clock' : 'program date-time'}); model with ${seg} s segments ~${model.served.expected} s, up to ${model.served.worst} s${model.summary ? `; synth summary (${model.mode}) ~${model.summary.expected} s` : ''}`;
      if (measured > model.served.worst)
        throw new StepFailed(
          text,
          'slower than the model: check the encoder keyframe interval (`onair ingest`), CloudFront caching of manifests, and MediaPackage segment length (#EXT-X-TARGETDURATION)',
        );
      return text;
    },
    { needs: ['play-hls'] },
  );
}
