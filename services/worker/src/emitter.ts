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
import { chunkMessages } from './publish-chunks.js';
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

/**
 * A publisher that can tell it is writing inside a Kafka transaction (the fleet's consumer batches,
 * see `KafkaRecordSource.publisher`) and defer work until that transaction committed.
 */
export interface TransactionAware {
  inTransaction(): boolean;
  afterCommit(fn: () => Promise<void>): boolean;
}

export interface EmitCounters {
  verdicts: number;
  /** Verdicts found already marked after their transaction committed (should stay 0). */
  duplicatesPublished: number;
  replays: number;
  samplesSkipped: number;
  samplesFailed: number;
  publishRetries: number;
  lost: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The emit stage: Kafka publish, verdict dedupe (`markEmitted`), metrics, samples. Ordering is what
 * makes a crash safe. In a Kafka transaction the verdicts commit with the batch's offsets and are
 * marked afterwards. Without one, `markEmitted` goes first: everything before it replays into the
 * same verdict; after it, the publish is retried in place (never by failing the batch, whose replay
 * would now be deduped away).
 */
export class VerdictEmitter {
  readonly counters: EmitCounters = {
    verdicts: 0,
    duplicatesPublished: 0,
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
    // A publisher that drops verdicts unread (one process, no --verdicts-out) gets none: encoding
    // them was a tenth of the embedded worker's CPU. Dedupe, metrics and samples are unchanged.
    const encoded: (OutboundMessage | undefined)[] =
      o.publisher.discards?.(o.verdictTopic) === true
        ? judged.map(() => undefined)
        : judged.map((j) => ({
            topic: o.verdictTopic,
            key: j.verdict.route,
            value: encodeVerdict(j.verdict),
          }));
    const publisher = o.publisher as Partial<TransactionAware> & RecordPublisher;
    if (publisher.inTransaction?.() === true && publisher.afterCommit !== undefined) {
      // Kafka transaction (fleet): the verdicts become visible together with the batch's offsets,
      // or not at all. A crash before the commit leaves the trace claimed in the store, so the
      // redelivered batch pairs it again; only after the commit is it marked (halves dropped).
      // A failed write fails the batch, which aborts the transaction and is retried whole.
      // In chunks the broker accepts (see MAX_PUBLISH_BYTES); all in the same transaction.
      const chunks = chunkMessages([...extra, ...encoded.filter((m) => m !== undefined)]);
      for (const chunk of chunks) await publisher.publish(chunk);
      publisher.afterCommit(() => this.settle(judged, late, unmirrored, true));
      return;
    }
    // No transaction (embedded bus, orphan sweeps): dedupe first, then publish. Encoding happened
    // above so nothing but a filter runs between markEmitted returning and the produce request
    // leaving: a crash in that gap is the one way a verdict can be lost.
    let fresh: Judged[] = [];
    const messages: OutboundMessage[] = extra.slice();
    if (judged.length > 0) {
      const first = await o.store.markEmitted(judged.map((j) => j.verdict.traceId));
      fresh = judged.filter((_, i) => first[i] === true);
      for (let i = 0; i < judged.length; i++) {
        const message = encoded[i];
        if (first[i] === true && message !== undefined) messages.push(message);
      }
      this.counters.replays += judged.length - fresh.length;
    }
    // Chunk by chunk, each retried on its own: a retry never sends an earlier chunk again.
    for (const chunk of chunkMessages(messages)) {
      await this.publish(chunk, chunk.filter((m) => m.topic === o.verdictTopic).length);
    }
    await this.settle(fresh, late, unmirrored, false);
  }

  /** Counts what went out: marks it (transactional path), metrics, samples. */
  private async settle(
    emitted: Judged[],
    late: { service: string; route: string }[],
    unmirrored: UnmirroredCount[],
    mark: boolean,
  ): Promise<void> {
    const o = this.options;
    if (mark && emitted.length > 0) {
      // Already committed: the mark's answer changes nothing now, but a false means a duplicate
      // got out (a crash right after an earlier commit, plus the same half delivered again).
      const first = await o.store.markEmitted(emitted.map((j) => j.verdict.traceId));
      const again = first.filter((f) => !f).length;
      this.counters.duplicatesPublished += again;
      if (again > 0) o.log.line('dup', `worker: ${again} verdicts were published a second time`);
    }
    this.counters.verdicts += emitted.length;
    o.metrics.recordVerdicts(emitted);
    if (emitted.length > 0 || late.length > 0 || unmirrored.length > 0) {
      const batch = new SampleBatch(o.metrics.limiter, o.examplesPerPath);
      const now = Date.now();
      for (const j of emitted) batch.addVerdict(j.verdict, j.halves);
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
