import { TAP_RECORD_VERSION } from '@shadowdiff/contracts';
import type { Role, ShadowdiffConfig, TapRecord } from '@shadowdiff/contracts';
import { toOutbound } from '@shadowdiff/ingest';
import { compileMirrorPolicy, newTraceparent } from '@shadowdiff/source';
import { ProgressBar } from '../progress.js';
import type { Capture, ReplayRequest } from './capture.js';
import type { EmbeddedJudge } from './embedded-judge.js';
import { createTarget, sendRequest } from './send.js';
import type { SideResult, Target } from './send.js';

export const SKIP_LABELS = {
  origin: 'sent to another origin than --origin (third-party requests of the page)',
  method: 'writes (not a safe method; pass --allow-writes)',
  route: 'excluded by tap.mirror include/exclude',
  body_too_large: 'body over tap.mirror.maxBodyBytes',
} as const;
export type ReplaySkip = keyof typeof SKIP_LABELS;

export interface ReplayCounts {
  /** Requests read from the capture. */
  requests: number;
  /** Requests sent to every side. */
  sent: number;
  skipped: Record<ReplaySkip, number>;
  /** Entries of the capture that could not be read (named in `capture.malformed`). */
  malformed: number;
  /** Sides that gave no response (refused, timeout, ...), by role. */
  failed: Partial<Record<Role, number>>;
  /** The first such failure of each role, to say why. */
  firstFailure: Partial<Record<Role, string>>;
  /** Requests not sent because the run was stopped. */
  notSent: number;
}

export interface ReplayOptions {
  /** Validated config for the run (secondary noise turned on when a secondary is given). */
  config: ShadowdiffConfig;
  capture: Capture;
  targets: Partial<Record<Role, URL>> & { primary: URL; shadow: URL };
  concurrency: number;
  /** Requests per second across all lanes; unlimited when undefined. */
  ratePerSecond?: number;
  allowWrites: boolean;
  /** HAR: replay only the requests the browser sent to this origin; all when undefined. */
  origin?: string;
  judge: EmbeddedJudge;
  /** Secrets out before a record reaches the worker, as the tap does. */
  redact: (record: TapRecord) => TapRecord;
  progress: NodeJS.WritableStream;
  signal?: AbortSignal;
}

export interface ReplayResult {
  counts: ReplayCounts;
  verdicts: number;
  startedAt: number;
  finishedAt: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One slot per `1000 / rate` ms across every lane; no wait without a rate. */
export function pacer(ratePerSecond: number | undefined): () => Promise<void> {
  if (ratePerSecond === undefined) return () => Promise.resolve();
  const gap = 1000 / ratePerSecond;
  let next = performance.now();
  return async () => {
    const now = performance.now();
    const at = Math.max(now, next);
    next = at + gap;
    if (at > now) await sleep(at - now);
  };
}

function sideRecord(
  role: Role,
  traceId: string,
  request: ReplayRequest,
  sent: Record<string, string>,
  result: SideResult,
  config: ShadowdiffConfig,
  capture: Capture,
): TapRecord {
  const record: TapRecord = {
    v: TAP_RECORD_VERSION,
    traceId,
    role,
    service: config.service,
    tapId: 'replay',
    capturedAt: result.capturedAt,
    durationMs: result.durationMs,
    request: {
      method: request.method,
      url: request.url,
      headers: { ...request.headers, ...sent },
      body: request.body,
      bodySize: request.body.byteLength,
      bodyTruncated: false,
    },
    meta: {
      source: 'replay',
      mode: 'replay',
      'replay.file': capture.file,
      'replay.format': capture.format,
      'replay.entry': request.where,
    },
  };
  if (result.response) record.response = result.response;
  if (result.error) record.error = result.error;
  return record;
}

/**
 * Sends every eligible request of the capture to each side (same fresh `traceparent` everywhere,
 * the shadow marked with `tap.mirror.markerHeader`), publishes one record per side to the
 * embedded worker, then waits until each sent request has its verdict (or none came for a window).
 */
export async function replayCapture(options: ReplayOptions): Promise<ReplayResult> {
  const { config, capture, judge } = options;
  const roles = Object.keys(options.targets) as Role[];
  const targets = new Map<Role, Target>(
    roles.map((role) => [role, createTarget(options.targets[role]!, options.concurrency)]),
  );
  const eligible = compileMirrorPolicy({
    ...config.tap.mirror,
    // A replay sends the whole capture: no sampling; --allow-writes lets every method through.
    percent: 100,
    methods: options.allowWrites
      ? [...new Set(capture.requests.map((r) => r.method))]
      : config.tap.mirror.methods,
  });
  const counts: ReplayCounts = {
    requests: capture.requests.length,
    sent: 0,
    skipped: { origin: 0, method: 0, route: 0, body_too_large: 0 },
    malformed: capture.malformed.length,
    failed: {},
    firstFailure: {},
    notSent: 0,
  };
  const queue: ReplayRequest[] = [];
  for (const request of capture.requests) {
    if (options.origin !== undefined && request.origin !== options.origin) {
      counts.skipped.origin++;
      continue;
    }
    const decision = eligible({
      method: request.method,
      url: request.url,
      traceId: request.where,
      bodyBytes: request.body.byteLength,
    });
    if (decision.mirror) queue.push(request);
    else if (decision.reason in counts.skipped) counts.skipped[decision.reason as ReplaySkip]++;
  }

  const startedAt = Date.now();
  const bar = new ProgressBar(options.progress, 'replay', queue.length);
  const wait = pacer(options.ratePerSecond);
  const topic = config.kafka.topics.taps;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < queue.length && options.signal?.aborted !== true) {
      const request = queue[next++]!;
      await wait();
      const { traceparent, traceId } = newTraceparent();
      const sides = await Promise.all(
        roles.map(async (role) => {
          const extra: Record<string, string> = { traceparent };
          if (role === 'shadow') extra[config.tap.mirror.markerHeader.toLowerCase()] = '1';
          const result = await sendRequest(targets.get(role)!, request, {
            timeoutMs: config.tap.mirror.timeoutMs,
            captureBodyBytes: config.tap.captureBodyBytes,
            extraHeaders: extra,
          });
          if (result.error) {
            counts.failed[role] = (counts.failed[role] ?? 0) + 1;
            counts.firstFailure[role] ??= `${result.error.kind}: ${result.error.message}`;
          }
          const sent = { traceparent };
          return options.redact(sideRecord(role, traceId, request, sent, result, config, capture));
        }),
      );
      await judge.publisher.publish(sides.map((record) => toOutbound(record, topic)));
      counts.sent++;
      bar.tick();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, queue.length) }, lane));
  } finally {
    for (const target of targets.values()) target.agent.destroy();
  }
  bar.finish();
  counts.notSent = queue.length - counts.sent;

  // Every side of every sent request is published, so verdicts come as fast as the worker
  // judges; a window with no new verdict means the rest will not come.
  const quietFor = config.worker.windowMs + 2_000;
  let verdicts = judge.verdicts();
  let lastChange = Date.now();
  while (
    verdicts < counts.sent &&
    options.signal?.aborted !== true &&
    Date.now() - lastChange <= quietFor
  ) {
    await sleep(100);
    const now = judge.verdicts();
    if (now !== verdicts) lastChange = Date.now();
    verdicts = now;
  }
  return { counts, verdicts, startedAt, finishedAt: Date.now() };
}
