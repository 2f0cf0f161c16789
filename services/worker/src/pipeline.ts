import { classifyBatch, planBatch, resolveBatch } from '@shadowdiff/engine';
import type {
  BatchDecisions,
  BatchPlan,
  ClassifiedBatch,
  Clock,
  CompiledRules,
  OrphanScheduler,
  OutboundMessage,
  PendingStore,
  SourceMessage,
} from '@shadowdiff/engine';
import type { Role } from '@shadowdiff/contracts';
import type { ShadowMetrics } from '@shadowdiff/telemetry';
import { dlqMessage } from './dlq.js';
import type { Judged, VerdictEmitter } from './emitter.js';
import type { UnmirroredCount } from './sample-batch.js';
import { TraceRoles, judgeableRoles } from './expected-roles.js';
import { judgePairs, judgeTrace, recordsOf } from './judge-pairs.js';
import type { JudgeStageContext } from './judge-pairs.js';
import type { PairNoise } from './noise-runtime.js';
import type { ThrottledLog } from './worker-log.js';

export interface PipelineOptions {
  /** The worker's configured service: the `service` of DLQ metrics. */
  service: string;
  /** Configured roles of a pair; a record's `meta.roles` (mirror taps) says per trace instead. */
  expected: readonly Role[];
  windowMs: number;
  dlqTopic: string;
  rules: CompiledRules;
  store: PendingStore;
  scheduler: OrphanScheduler;
  emitter: VerdictEmitter;
  metrics: ShadowMetrics;
  clock: Clock;
  log: ThrottledLog;
  /** Learned noise (see NoiseRuntime): judges with it and feeds it every pair. Default: none. */
  noise?: PairNoise;
}

export interface PipelineCounters {
  records: number;
  dlq: number;
  waiting: number;
  duplicates: number;
  late: number;
  paired: number;
  orphaned: number;
  unexpectedRole: number;
  /** Census records (a tap's counts of requests it did not mirror) taken in. */
  census: number;
  /** Due traces judged without their missing secondary (counted in `paired` too, never orphans). */
  withoutSecondary: number;
}

/**
 * consume → align → judge → emit, per batch of TapRecords and per batch of due orphan deadlines.
 * The stages are the engine's pure align functions (classify → plan → resolve) around one store
 * round trip, then judge and emit. Each record is decoded and templated once; a pair's other half
 * comes back from the store as bytes and is decoded (and, as the anchor, templated) only then.
 */
export class Pipeline {
  readonly counters: PipelineCounters = {
    records: 0,
    dlq: 0,
    waiting: 0,
    duplicates: 0,
    late: 0,
    paired: 0,
    orphaned: 0,
    unexpectedRole: 0,
    census: 0,
    withoutSecondary: 0,
  };
  private readonly roles: TraceRoles;

  constructor(private readonly o: PipelineOptions) {
    this.roles = new TraceRoles(o.expected);
  }

  /** Handles one batch from the source; resolves once every half's state is durable. */
  async handleBatch(batch: SourceMessage[]): Promise<void> {
    const o = this.o;
    const deadlineAt = o.clock.now() + o.windowMs;
    const taps = classifyBatch(batch, { rules: o.rules, rolesOf: (r) => this.roles.of(r) });
    const { dlq, unmirrored } = this.countIntake(batch.length, taps);
    const plan = planBatch(taps.halves, deadlineAt);
    this.countUnexpected(plan);
    const [offered, claimed] = await Promise.all([
      plan.offers.length > 0 ? o.store.offer(plan.offers) : [],
      plan.claims.length > 0 ? o.store.claimPairs(plan.claims) : [],
    ]);
    const decisions = resolveBatch(plan, offered, claimed);
    const late = this.countDecisions(decisions);
    const { judged, dlq: poisoned } = judgePairs(decisions.judge, this.judgeContext());
    this.counters.paired += judged.length;
    this.counters.dlq += decisions.judge.length - judged.length;
    await Promise.all([
      decisions.schedule.length > 0 ? o.scheduler.schedule(decisions.schedule) : undefined,
      o.emitter.emit(judged, dlq.concat(poisoned), late, unmirrored),
    ]);
  }

  /** Orphan deadlines that passed: claim each trace and emit an orphan verdict for it. */
  async handleDue(traceIds: string[]): Promise<void> {
    const o = this.o;
    const results = await Promise.all(traceIds.map((id) => o.store.expire(id)));
    const judged: Judged[] = [];
    const dlq: OutboundMessage[] = [];
    const ctx = this.judgeContext();
    results.forEach((result, i) => {
      if (result.kind !== 'orphan') return;
      const { records, route } = recordsOf(result.halves, {}, o);
      const any = records.primary ?? records.shadow ?? records.secondary;
      if (any === undefined) return;
      const expected = this.roles.of(any);
      const judgeable = judgeableRoles(expected, records);
      const traceId = traceIds[i]!;
      // Only the secondary missing: a normal verdict without it (no self-check), not an orphan.
      const orphan = judgeable === expected;
      const input = { traceId, service: any.service, records, expected: judgeable, route };
      const verdict = judgeTrace(input, result.halves, ctx, dlq, !orphan);
      if (verdict === undefined) {
        this.counters.dlq++;
        return;
      }
      if (orphan) this.counters.orphaned++;
      else {
        this.counters.withoutSecondary++;
        this.counters.paired++;
      }
      judged.push({ verdict, halves: result.halves, lagMs: undefined });
    });
    await o.emitter.emit(judged, dlq);
  }

  private judgeContext(): JudgeStageContext {
    const o = this.o;
    return {
      rules: o.rules,
      now: o.clock.now(),
      noise: o.noise,
      log: o.log,
      metrics: o.metrics,
      dlqTopic: o.dlqTopic,
    };
  }

  /** Counts what came in; undecodable records become DLQ copies, censuses unmirrored counts. */
  private countIntake(
    records: number,
    taps: ClassifiedBatch,
  ): { dlq: OutboundMessage[]; unmirrored: UnmirroredCount[] } {
    const o = this.o;
    this.counters.records += records;
    this.counters.dlq += taps.invalid.length;
    this.counters.census += taps.census.length;
    const dlq = taps.invalid.map(({ message, error }) => {
      o.metrics.recordDlq(o.service, error.code);
      return dlqMessage(o.dlqTopic, message, error);
    });
    // A tap's count of requests it served without mirroring: coverage for the console, never a half.
    const unmirrored = taps.census.map(({ census, route }) => ({
      service: census.service,
      route,
      reason: census.reason,
      count: census.count,
    }));
    return { dlq, unmirrored };
  }

  private countUnexpected(plan: BatchPlan): void {
    for (const { record, expected } of plan.unexpected) {
      this.counters.unexpectedRole++;
      this.o.log.line(
        'role',
        `worker: ignoring a ${record.role} half (expected roles: ${expected.join(', ')})`,
      );
    }
  }

  /** Counts the store's decisions; late halves become metric points and console counts. */
  private countDecisions(d: BatchDecisions): { service: string; route: string }[] {
    this.counters.waiting += d.waiting;
    this.counters.duplicates += d.duplicates;
    this.counters.late += d.late.length;
    return d.late.map(({ record, route }) => {
      this.o.metrics.recordLate(record.service, route.route, record.role);
      return { service: record.service, route: route.route };
    });
  }
}
