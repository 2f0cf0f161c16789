import { decodeTapRecord, readCensus } from '@shadowdiff/contracts';
import type { Role, TapRecord, Verdict } from '@shadowdiff/contracts';
import { judge, templateRoute } from '@shadowdiff/engine';
import type {
  Clock,
  CompiledRules,
  HalfOffer,
  HalfSet,
  JudgeInput,
  OrphanScheduler,
  OutboundMessage,
  PendingStore,
  SourceMessage,
} from '@shadowdiff/engine';
import type { ShadowMetrics } from '@shadowdiff/telemetry';
import { dlqMessage } from './dlq.js';
import { guardJudge, JUDGE_ERROR_CODE, poisonPairMessages } from './judge-guard.js';
import type { Judged, VerdictEmitter } from './emitter.js';
import type { UnmirroredCount } from './sample-batch.js';
import { TraceRoles, judgeableRoles } from './expected-roles.js';
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

const NO_RECORDS: ReadonlyMap<string, TapRecord> = new Map();

interface Offered {
  record: TapRecord;
  /** Kafka publish time of this half. */
  publishedAt: number;
}

/**
 * consume → align → judge → emit, per batch of TapRecords and per batch of due orphan deadlines.
 * Each record is decoded once; a pair's other half comes back from the store as bytes and is
 * decoded only then. Every store call covers the whole batch (one round trip each).
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
    const dlq: OutboundMessage[] = [];
    const offers: HalfOffer[] = [];
    const offered: Offered[] = [];
    const inBatch = new Map<string, TapRecord>();
    const unmirrored: UnmirroredCount[] = [];
    const deadlineAt = o.clock.now() + o.windowMs;
    for (const message of batch) {
      this.counters.records++;
      const decoded = decodeTapRecord(message.value);
      if (!decoded.ok) {
        this.counters.dlq++;
        dlq.push(dlqMessage(o.dlqTopic, message, decoded.error));
        o.metrics.recordDlq(o.service, decoded.error.code);
        continue;
      }
      const record = decoded.value;
      const census = readCensus(record);
      if (census !== undefined) {
        // A tap's count of requests it served without mirroring: coverage for the console, never a half.
        this.counters.census++;
        unmirrored.push({
          service: record.service,
          route: templateRoute(census.method, census.path, o.rules),
          reason: census.reason,
          count: census.count,
        });
        continue;
      }
      const expected = this.roles.of(record);
      if (!expected.includes(record.role)) {
        this.counters.unexpectedRole++;
        o.log.line(
          'role',
          `worker: ignoring a ${record.role} half (expected roles: ${expected.join(', ')})`,
        );
        continue;
      }
      offers.push({
        traceId: record.traceId,
        role: record.role,
        half: message.value!,
        expected,
        deadlineAt,
      });
      offered.push({ record, publishedAt: message.timestamp });
      inBatch.set(`${record.traceId}\u0000${record.role}`, record);
    }

    // A trace whose every expected half is in this batch is claimed without shipping its bytes to
    // the store and back (claimPairs); the rest are offered half by half.
    const groups = new Map<string, number[]>();
    offers.forEach((offer, i) => {
      const group = groups.get(offer.traceId);
      if (group === undefined) groups.set(offer.traceId, [i]);
      else group.push(i);
    });
    const pairs: number[][] = [];
    const single: number[] = [];
    for (const group of groups.values()) {
      if (this.completeGroup(group, offers)) pairs.push(group);
      else single.push(...group);
    }
    const [results, claims] = await Promise.all([
      single.length > 0 ? o.store.offer(single.map((i) => offers[i]!)) : [],
      pairs.length > 0
        ? o.store.claimPairs(
            pairs.map((g) => ({
              traceId: offers[g[0]!]!.traceId,
              expected: offers[g[0]!]!.expected,
            })),
          )
        : [],
    ]);
    // Trace id -> deadline; a trace that pairs later in this same batch needs no timeout at all.
    const schedule = new Map<string, number>();
    const judged: Judged[] = [];
    const late: { service: string; route: string }[] = [];
    const pairedInBatch = new Set<string>();
    const now = o.clock.now();
    const countLate = (record: TapRecord) => {
      this.counters.late++;
      const route = templateRoute(record.request.method, record.request.url, o.rules);
      o.metrics.recordLate(record.service, route, record.role);
      late.push({ service: record.service, route });
    };
    const pair = (record: TapRecord, halves: HalfSet, publishedAt: number) => {
      const records = this.decodeHalves(record.traceId, halves, inBatch);
      const { traceId, service } = record;
      const input = { traceId, service, records, expected: this.roles.of(record) };
      const verdict = this.judgeTrace(input, halves, now, dlq, true);
      if (verdict === undefined) return;
      this.counters.paired++;
      judged.push({ verdict, halves, lagMs: now - publishedAt });
    };
    for (let i = 0; i < results.length; i++) {
      const result = results[i]!;
      const { record, publishedAt } = offered[single[i]!]!;
      switch (result.kind) {
        case 'waiting':
          this.counters.waiting++;
          schedule.set(record.traceId, deadlineAt);
          break;
        case 'duplicate':
          // The first delivery may have crashed before it scheduled: arm the timeout again.
          this.counters.duplicates++;
          schedule.set(record.traceId, deadlineAt);
          break;
        case 'late':
          countLate(record);
          break;
        case 'paired': {
          // A redelivered half re-offered in the same batch pairs again: judge once.
          schedule.delete(record.traceId);
          if (pairedInBatch.has(record.traceId)) break;
          pairedInBatch.add(record.traceId);
          pair(record, result.halves, publishedAt);
          break;
        }
        default: {
          const never: never = result;
          throw new Error(`unexpected offer result ${JSON.stringify(never)}`);
        }
      }
    }
    claims.forEach((claim, k) => {
      const group = pairs[k]!;
      const last = offered[group[group.length - 1]!]!;
      if (claim.kind === 'paired') {
        const halves: HalfSet = {};
        for (const i of group) halves[offers[i]!.role] = offers[i]!.half;
        pair(last.record, halves, last.publishedAt);
        return;
      }
      const expected = offers[group[0]!]!.expected;
      claim.roles.forEach((outcome, j) => {
        const i = group.find((g) => offers[g]!.role === expected[j]);
        if (i === undefined) return;
        if (outcome.kind === 'duplicate') this.counters.duplicates++;
        else countLate(offered[i]!.record);
      });
    });
    await Promise.all([
      schedule.size > 0
        ? o.scheduler.schedule([...schedule].map(([traceId, dueAt]) => ({ traceId, dueAt })))
        : undefined,
      o.emitter.emit(judged, dlq, late, unmirrored),
    ]);
  }

  /** Orphan deadlines that passed: claim each trace and emit an orphan verdict for it. */
  async handleDue(traceIds: string[]): Promise<void> {
    const o = this.o;
    const results = await Promise.all(traceIds.map((id) => o.store.expire(id)));
    const judged: Judged[] = [];
    const dlq: OutboundMessage[] = [];
    const now = o.clock.now();
    results.forEach((result, i) => {
      if (result.kind !== 'orphan') return;
      const records = this.decodeHalves(traceIds[i]!, result.halves, NO_RECORDS);
      const any = records.primary ?? records.shadow ?? records.secondary;
      if (any === undefined) return;
      const expected = this.roles.of(any);
      const judgeable = judgeableRoles(expected, records);
      if (judgeable !== expected) {
        // Only the secondary is missing: a normal verdict without it (no self-check), not an orphan.
        const input = { traceId: traceIds[i]!, service: any.service, records, expected: judgeable };
        const verdict = this.judgeTrace(input, result.halves, now, dlq, true);
        if (verdict === undefined) return;
        this.counters.withoutSecondary++;
        this.counters.paired++;
        judged.push({ verdict, halves: result.halves, lagMs: undefined });
        return;
      }
      const input = { traceId: traceIds[i]!, service: any.service, records, expected };
      const verdict = this.judgeTrace(input, result.halves, now, dlq, false);
      if (verdict === undefined) return;
      this.counters.orphaned++;
      judged.push({ verdict, halves: result.halves, lagMs: undefined });
    });
    await o.emitter.emit(judged, dlq);
  }

  /**
   * Judges one trace (with learned noise, and feeding it, when `learn`). A throw sends the trace's
   * halves to the DLQ with the reason instead of failing the batch, and gives undefined.
   */
  private judgeTrace(
    input: JudgeInput,
    halves: HalfSet,
    now: number,
    dlq: OutboundMessage[],
    learn: boolean,
  ): Verdict | undefined {
    const o = this.o;
    const guarded = guardJudge(() => {
      const noise = learn ? o.noise?.filterFor(input.service) : undefined;
      const verdict = judge(input, { rules: o.rules, now, noise });
      if (learn) o.noise?.observe(verdict, input.records);
      return verdict;
    });
    if (guarded.ok) return guarded.verdict;
    this.counters.dlq++;
    o.metrics.recordDlq(input.service, JUDGE_ERROR_CODE);
    o.log.line('judge', `worker: trace ${input.traceId} to the DLQ: ${guarded.reason}`);
    dlq.push(...poisonPairMessages(o.dlqTopic, input.traceId, halves, guarded.reason));
    return undefined;
  }

  /** True when a trace's halves in a batch are each expected role exactly once. */
  private completeGroup(group: readonly number[], offers: readonly HalfOffer[]): boolean {
    const expected = offers[group[0]!]!.expected;
    if (group.length !== expected.length) return false;
    const roles = new Set<Role>();
    for (const i of group) roles.add(offers[i]!.role);
    return roles.size === expected.length;
  }

  /**
   * Decodes a pair's halves, reusing the record decoded from this batch (the half that completed
   * the pair, and any partner that arrived in the same batch) instead of parsing its bytes again.
   */
  private decodeHalves(
    traceId: string,
    halves: HalfSet,
    inBatch: ReadonlyMap<string, TapRecord>,
  ): Partial<Record<Role, TapRecord>> {
    const records: Partial<Record<Role, TapRecord>> = {};
    for (const [role, bytes] of Object.entries(halves) as [Role, Uint8Array][]) {
      const known = inBatch.get(`${traceId}\u0000${role}`);
      if (known) {
        records[role] = known;
        continue;
      }
      const decoded = decodeTapRecord(bytes);
      if (decoded.ok) records[role] = decoded.value;
      else {
        // Stored halves were decoded once already; a failure here means the store corrupted them.
        this.o.log.line(
          'stored',
          `worker: a stored ${role} half no longer decodes: ${decoded.error.message}`,
        );
      }
    }
    return records;
  }
}
