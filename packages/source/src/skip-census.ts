import { randomUUID } from 'node:crypto';
import { encodeCensusRecord } from '@shadowdiff/contracts';
import { templateRoute } from '@shadowdiff/engine';
import type { CompiledRules } from '@shadowdiff/engine';
import type { MirrorDecision, RequestFacts } from './mirror-policy.js';
import { pathOf } from './route-pattern.js';

export interface SkipCensusOptions {
  service: string;
  tapId: string;
  mode: 'sidecar' | 'mirror';
  /** The config's route rules: tallies are per templated route, so they stay bounded. */
  rules: CompiledRules;
  /** Hands an encoded record to the tap's record buffer (false when it dropped it). */
  offer(key: string, bytes: Uint8Array): boolean;
  /** How often tallies are published. Default 60 000 ms. */
  intervalMs?: number;
  /** Distinct method + route + reason tallies held between publications; more are not counted. Default 1 000. */
  maxTallies?: number;
  /** Time source. Default Date.now. */
  now?: () => number;
}

interface Tally {
  method: string;
  /** One request's path (query dropped), for readers of older censuses. */
  path: string;
  /** The templated route the tally counts: sent along, so the worker does not template again. */
  route: string;
  reason: string;
  count: number;
}

/**
 * Counts, per templated route and reason, the requests a primary tap served without mirroring
 * (method not allowed, path excluded, body over the cap, sampled out) and publishes the tallies as
 * census records once a minute and on close: one small record per route and reason per minute,
 * however much traffic was skipped. Workers turn them into the per-route `unmirrored` counts the
 * evidence report lists as "seen by the primary, never mirrored".
 */
export class SkipCensus {
  private tallies = new Map<string, Tally>();
  private timer: NodeJS.Timeout | undefined;
  private readonly maxTallies: number;
  /** Tallies not kept because `maxTallies` was reached (until the next publication). */
  overflow = 0;

  constructor(private readonly options: SkipCensusOptions) {
    this.maxTallies = options.maxTallies ?? 1_000;
  }

  /** Wraps the mirror policy: every skip it decides is counted. */
  wrap(decide: (facts: RequestFacts) => MirrorDecision): (facts: RequestFacts) => MirrorDecision {
    return (facts) => {
      const decision = decide(facts);
      if (!decision.mirror) this.count(facts.method, facts.url, decision.reason);
      return decision;
    };
  }

  count(method: string, url: string, reason: string): void {
    const route = templateRoute(method, url, this.options.rules);
    const key = `${route}\u0000${reason}`;
    const tally = this.tallies.get(key);
    if (tally !== undefined) {
      tally.count++;
      return;
    }
    if (this.tallies.size >= this.maxTallies) {
      this.overflow++;
      return;
    }
    this.tallies.set(key, {
      method: method.toUpperCase(),
      path: pathOf(url),
      route,
      reason,
      count: 1,
    });
  }

  start(): void {
    this.timer ??= setInterval(() => this.publish(), this.options.intervalMs ?? 60_000);
    this.timer.unref();
  }

  /** Publishes every tally as one census record and starts counting afresh. */
  publish(): number {
    const o = this.options;
    const tallies = this.tallies;
    this.tallies = new Map();
    this.overflow = 0;
    const at = (o.now ?? Date.now)();
    for (const t of tallies.values()) {
      const traceId = `census-${randomUUID()}`;
      o.offer(
        traceId,
        encodeCensusRecord({ traceId, service: o.service, tapId: o.tapId, at, mode: o.mode, ...t }),
      );
    }
    return tallies.size;
  }

  /** Stops the timer and publishes what was counted (call before the record buffer closes). */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.publish();
  }
}
