/**
 * Test kit for the noise tests: JSON tap records and a harness that runs pairs through `judge` and a
 * `NoiseLearner` over an in-memory store (stats table + decisions), the way a worker does.
 */
import { noiseConfigSchema } from '@shadowdiff/contracts';
import type { NoiseConfigInput, Role, TapRecord, Verdict } from '@shadowdiff/contracts';
import { judge } from '../judge/judge.js';
import type { NoiseDecisionRecord, NoiseMark } from '../ports/noise-store.js';
import { compileRules } from '../route/compile-rules.js';
import { NoiseLearner } from './noise-learner.js';
import { NoiseStatsTable } from './stats-table.js';

export interface JsonRecord {
  traceId: string;
  role: Role;
  service: string;
  url: string;
  body: unknown;
  status?: number;
  capturedAt?: number;
}

/** A GET exchange answered with `body` as JSON. */
export function jsonRecord(r: JsonRecord): TapRecord {
  const bytes = Buffer.from(JSON.stringify(r.body));
  return {
    v: 1,
    traceId: r.traceId,
    role: r.role,
    service: r.service,
    tapId: `tap-${r.role}`,
    capturedAt: r.capturedAt ?? 0,
    durationMs: 1,
    request: {
      method: 'GET',
      url: r.url,
      headers: {},
      body: new Uint8Array(),
      bodySize: 0,
      bodyTruncated: false,
    },
    response: {
      status: r.status ?? 200,
      headers: { 'content-type': 'application/json' },
      body: bytes,
      bodySize: bytes.length,
      bodyTruncated: false,
    },
  };
}

export interface NoiseHarnessOptions {
  service: string;
  /** Request URL of a pair (`traceId` is `t<n>`). */
  url: string | ((traceId: string) => string);
  config?: NoiseConfigInput;
  /** Refresh (drain → store → new view) after every `flushEvery` pairs; never when absent. */
  flushEvery?: number;
}

export interface PairOptions {
  url?: string;
  shadowStatus?: number;
  capturedAt?: number;
}

export type NoiseHarness = ReturnType<typeof noiseHarness>;

export function noiseHarness(options: NoiseHarnessOptions) {
  const { service } = options;
  const noise = noiseConfigSchema.parse(options.config ?? {});
  const rules = compileRules({});
  const learner = new NoiseLearner({ config: noise, rules });
  const table = new NoiseStatsTable();
  const decisions: NoiseDecisionRecord[] = [];
  const marks: NoiseMark[] = [];
  let n = 0;
  /** What a worker's noise refresh does: statistics to the store, a view over its snapshot. */
  const flush = () => {
    for (const d of learner.drain()) table.record(d);
    const marked = learner.apply({ service, routes: table.routeStats(), decisions });
    for (const m of marked) table.markLearned(m, n);
    marks.push(...marked);
  };
  return {
    learner,
    decisions,
    flush,
    /** Entries the view asked the store to mark learned. */
    marks: () => marks,
    list: () => learner.view(service)?.list() ?? [],
    /** Drains to the store without applying (a refresh that has not loaded yet). */
    drainOnly() {
      for (const d of learner.drain()) table.record(d);
    },
    status(route: string, path: string, aspect: 'value' | 'order' = 'value') {
      return learner.view(service)?.status(route, 'body', aspect, path);
    },
    /** Judges one pair with the learner's current view, then feeds it back. */
    pair(primary: unknown, shadow: unknown, secondary?: unknown, opts: PairOptions = {}): Verdict {
      const traceId = `t${n++}`;
      const url =
        opts.url ?? (typeof options.url === 'string' ? options.url : options.url(traceId));
      const at = { traceId, service, url, capturedAt: opts.capturedAt ?? 0 };
      const records: Partial<Record<Role, TapRecord>> = {
        primary: jsonRecord({ ...at, role: 'primary', body: primary }),
        shadow: jsonRecord({ ...at, role: 'shadow', body: shadow, status: opts.shadowStatus }),
      };
      if (secondary !== undefined) {
        records.secondary = jsonRecord({
          ...at,
          role: 'secondary',
          body: secondary,
          capturedAt: 0,
        });
      }
      const verdict = judge(
        { traceId, service, records, expected: Object.keys(records) as Role[] },
        { rules, now: n, noise: learner.filterFor(service) },
      );
      learner.observe(verdict, records);
      if (options.flushEvery !== undefined && n % options.flushEvery === 0) flush();
      return verdict;
    },
  };
}
