import { encodeVerdict } from '@shadowdiff/contracts';
import type { Verdict } from '@shadowdiff/contracts';
import type {
  HalfSet,
  OutboundMessage,
  PendingStore,
  RecordPublisher,
  SampleStore,
  SampleWrite,
} from '@shadowdiff/engine';
import type { ShadowMetrics } from '@shadowdiff/telemetry';
import { SampleBatch } from './sample-batch.js';
import type { UnmirroredCount } from './sample-batch.js';
import { describeError } from './worker-log.js';
import type { ThrottledLog } from './worker-log.js';

/** A verdict ready to go out, with what the metrics and the console need beside it. */
export interface Judged {
  verdict: Verdict;
  halves: HalfSet;
  /** Later half's publish → now, ms; undefined for orphans. */
  lagMs: number | undefined;
}

export interface EmitterOptions {
  store: PendingStore;
  publisher: RecordPublisher;
  samples: SampleStore;
  metrics: ShadowMetrics;
  log: ThrottledLog;
  verdictTopic: string;
  examplesPerPath: number;
  /** Sample writes in flight at once; past it a batch's samples are skipped (and counted). */
  maxSampleWrites?: number;
  /** True once the worker is shutting down: publish retries then give up after `drainMs`. */
  stopping: () => boolean;
  /** How long a stopping worker keeps retrying a publish. Default 10 000 ms. */
  drainMs?: number;
}

export interface EmitCounters {
  verdicts: number;
  replays: number;
  samplesSkipped: number;
  samplesFailed: number;
  publishRetries: number;
  lost: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The emit stage: verdict dedupe (`markEmitted`), Kafka publish, metrics, samples. Ordering is what
 * makes a crash safe: everything before `markEmitted` replays into the same verdict; after it, the
 * publish is retried in place (never by failing the batch, whose replay would now be deduped away).
 */
export class VerdictEmitter {
  readonly counters: EmitCounters = {
    verdicts: 0,
    replays: 0,
    samplesSkipped: 0,
    samplesFailed: 0,
    publishRetries: 0,
    lost: 0,
  };
  private readonly sampleWrites = new Set<Promise<void>>();

  constructor(private readonly options: EmitterOptions) {}

  /**
   * Emits each judged trace at most once fleet-wide; `extra` (DLQ copies) rides the same publish.
   * `late` are halves and `unmirrored` tap census counts, both counted for the console's stats.
   * Resolves once published.
   */
  async emit(
    judged: Judged[],
    extra: OutboundMessage[] = [],
    late: { service: string; route: string }[] = [],
    unmirrored: UnmirroredCount[] = [],
  ): Promise<void> {
    const o = this.options;
    // Encoded before the mark, so nothing but a filter runs between markEmitted returning and the
    // produce request leaving: a crash in that gap is the one way a verdict can be lost.
    const encoded: OutboundMessage[] = judged.map((j) => ({
      topic: o.verdictTopic,
      key: j.verdict.route,
      value: encodeVerdict(j.verdict),
    }));
    let fresh: Judged[] = [];
    const messages: OutboundMessage[] = extra.slice();
    if (judged.length > 0) {
      const first = await o.store.markEmitted(judged.map((j) => j.verdict.traceId));
      fresh = judged.filter((_, i) => first[i] === true);
      for (let i = 0; i < judged.length; i++) if (first[i] === true) messages.push(encoded[i]!);
      this.counters.replays += judged.length - fresh.length;
    }
    if (messages.length > 0) await this.publish(messages, fresh.length);
    this.counters.verdicts += fresh.length;
    o.metrics.recordVerdicts(fresh);
    if (fresh.length > 0 || late.length > 0 || unmirrored.length > 0) {
      const batch = new SampleBatch(o.metrics.limiter, o.examplesPerPath);
      const now = Date.now();
      for (const j of fresh) batch.addVerdict(j.verdict, j.halves);
      for (const l of late) batch.addLate(l.service, l.route, now);
      for (const u of unmirrored) batch.addUnmirrored(u, now);
      this.writeSamples(batch.build());
    }
  }

  private async publish(messages: OutboundMessage[], verdicts: number): Promise<void> {
    const o = this.options;
    let delay = 100;
    let stopDeadline: number | undefined;
    for (;;) {
      try {
        await o.publisher.publish(messages);
        return;
      } catch (error) {
        this.counters.publishRetries++;
        o.log.line(
          'publish',
          `worker: publishing ${messages.length} messages failed, retrying: ${describeError(error)}`,
        );
        if (o.stopping()) {
          stopDeadline ??= Date.now() + (o.drainMs ?? 10_000);
          if (Date.now() > stopDeadline) {
            this.counters.lost += verdicts;
            o.log.line('lost', `worker: gave up publishing ${verdicts} verdicts at shutdown`);
            throw error;
          }
        }
        await sleep(delay);
        delay = Math.min(delay * 2, 2_000);
      }
    }
  }

  /**
   * Samples are for the console: best effort, off the critical path, bounded. A slow or absent
   * Redis must never hold up verdicts or Kafka commits.
   */
  private writeSamples(write: SampleWrite): void {
    const o = this.options;
    if (this.sampleWrites.size >= (o.maxSampleWrites ?? 4)) {
      this.counters.samplesSkipped++;
      o.log.line('samples-skip', 'worker: sample store is slow; skipping a batch of samples');
      return;
    }
    const p = o.samples
      .record(write)
      .catch((error: unknown) => {
        this.counters.samplesFailed++;
        o.log.line('samples', `worker: writing samples failed: ${describeError(error)}`);
      })
      .finally(() => this.sampleWrites.delete(p));
    this.sampleWrites.add(p);
  }

  /** Waits for sample writes in flight (at shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.sampleWrites]);
  }
}
