import type { Attributes, Meter } from '@opentelemetry/api';
import { UPSTREAM_ERROR_KINDS } from '@shadowdiff/contracts';
import type { Role, UpstreamErrorKind } from '@shadowdiff/contracts';
import { SKIP_REASONS } from './mirror-policy.js';
import type { SkipReason } from './mirror-policy.js';
import { SELF_CHECK_OUTCOMES } from './self-check.js';
import type { SelfCheckOutcome } from './self-check.js';

/** Why a record never reached the publisher's acks. A metric attribute: closed list. */
export const DROP_REASONS = ['buffer_full', 'publish_failed', 'shutdown'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** How a shadow request ended: `ok` (any HTTP answer) or the failure kind. */
export type ShadowOutcome = 'ok' | UpstreamErrorKind;

/** The tap's shadow-duration histogram (OTel name; unit `s`). */
export const TAP_SHADOW_LATENCY = 'shadow.tap.shadow.latency.seconds';

const ROLE_LIST = ['primary', 'shadow', 'secondary'] as const;
const OUTCOMES = ['ok', ...UPSTREAM_ERROR_KINDS] as const;

export interface TapMetrics {
  published(count: number): void;
  dropped(reason: DropReason, count: number): void;
  skipped(reason: SkipReason): void;
  request(role: Role): void;
  upstreamError(role: Role, kind: UpstreamErrorKind): void;
  /** A shadow request's duration, measured in ms; recorded in seconds. */
  shadowLatency(ms: number, outcome: ShadowOutcome): void;
  passthrough(kind: 'upgrade' | 'connect'): void;
  /** A self-check copy (second primary call) sent, skipped, or failed. */
  selfCheck(outcome: SelfCheckOutcome): void;
  /** Reports buffer depth on each collection. */
  observeBuffer(read: () => { records: number; bytes: number }): void;
}

/** A counter whose points are kept as plain integers and reported when the SDK collects. */
class Tally<K extends string> {
  readonly counts: Record<K, number>;
  constructor(
    keys: readonly K[],
    readonly attributes: Record<K, Attributes>,
  ) {
    this.counts = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  }
}

/**
 * The tap's own instruments. Every point carries `env="shadow"` and `service`, like every other
 * shadowdiff series, so one dashboard filter covers them.
 *
 * Counters on the request path are observable counters over plain integers: `counter.add` hashes
 * its attribute set on every call, which costs more than everything else the tap adds to a request;
 * an increment costs nothing and the SDK reads the totals when it collects. Only the shadow
 * latency histogram records per event (mirror mode, once per shadow request).
 */
export function createTapMetrics(meter: Meter, service: string): TapMetrics {
  const base = { env: 'shadow', service } as const;
  const table = <K extends string>(keys: readonly K[], make: (key: K) => Attributes) =>
    Object.fromEntries(keys.map((k) => [k, { ...base, ...make(k) } as Attributes])) as Record<
      K,
      Attributes
    >;

  const records = new Tally(
    ['published', ...DROP_REASONS] as const,
    table(['published', ...DROP_REASONS] as const, (k) =>
      k === 'published' ? { outcome: 'published' } : { outcome: 'dropped', reason: k },
    ),
  );
  const skipped = new Tally(
    SKIP_REASONS,
    table(SKIP_REASONS, (reason) => ({ reason })),
  );
  const requests = new Tally(
    ROLE_LIST,
    table(ROLE_LIST, (role) => ({ role })),
  );
  const errorKeys = ROLE_LIST.flatMap((role) =>
    UPSTREAM_ERROR_KINDS.map((kind) => `${role}/${kind}` as const),
  );
  const errors = new Tally(
    errorKeys,
    table(errorKeys, (key) => {
      const [role, kind] = key.split('/');
      return { role, kind };
    }),
  );
  const passthrough = new Tally(
    ['upgrade', 'connect'] as const,
    table(['upgrade', 'connect'] as const, (kind) => ({ kind })),
  );

  const selfCheck = new Tally(
    SELF_CHECK_OUTCOMES,
    table(SELF_CHECK_OUTCOMES, (outcome) => ({ outcome })),
  );

  const observe = <K extends string>(name: string, description: string, tally: Tally<K>): void => {
    meter.createObservableCounter(name, { description }).addCallback((result) => {
      for (const key of Object.keys(tally.counts) as K[]) {
        if (tally.counts[key] > 0) result.observe(tally.counts[key], tally.attributes[key]);
      }
    });
  };
  observe(
    'shadow.tap.records',
    'Tap records by outcome: published (acked by the transport) or dropped, with reason',
    records,
  );
  observe(
    'shadow.tap.mirror.skipped',
    'Requests not mirrored (mirror mode) or not recorded (sidecar mode), by reason',
    skipped,
  );
  observe(
    'shadow.tap.requests',
    'Requests the tap sent upstream, by role (mirror mode: primary and shadow)',
    requests,
  );
  observe(
    'shadow.tap.upstream.errors',
    'Upstream requests that got no (complete) response, by role and kind',
    errors,
  );
  observe(
    'shadow.tap.passthrough',
    'Upgrade (websocket) and CONNECT requests tunnelled without capture',
    passthrough,
  );
  observe(
    'shadow.tap.selfcheck',
    'Self-check copies (the primary asked a second time, role secondary) by outcome: sent is the extra primary load; skipped_unsafe, skipped_inflight, skipped_unavailable; timeout and error of sent ones',
    selfCheck,
  );

  // Seconds, the unit as the name's last word (metrics v2, packages/contracts/README.md):
  // Prometheus sees `shadow_tap_shadow_latency_seconds_bucket` however the points get there.
  const latency = meter.createHistogram(TAP_SHADOW_LATENCY, {
    description: 'Shadow request duration in mirror mode, by outcome, in seconds',
    unit: 's',
    advice: {
      explicitBucketBoundaries: [
        0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
      ],
    },
  });
  const latencyBy = table(OUTCOMES, (outcome) => ({ outcome }));
  const bufferRecords = meter.createObservableGauge('shadow.tap.buffer.records', {
    description: 'Records waiting in the tap buffer for the publisher',
  });
  const bufferBytes = meter.createObservableGauge('shadow.tap.buffer.bytes', {
    description: 'Encoded bytes waiting in the tap buffer for the publisher',
    unit: 'By',
  });

  return {
    published: (count) => (records.counts.published += count),
    dropped: (reason, count) => (records.counts[reason] += count),
    skipped: (reason) => (skipped.counts[reason] += 1),
    request: (role) => (requests.counts[role] += 1),
    upstreamError: (role, kind) => (errors.counts[`${role}/${kind}`] += 1),
    shadowLatency: (ms, outcome) => latency.record(ms / 1000, latencyBy[outcome]),
    passthrough: (kind) => (passthrough.counts[kind] += 1),
    selfCheck: (outcome) => (selfCheck.counts[outcome] += 1),
    observeBuffer(read) {
      bufferRecords.addCallback((result) => result.observe(read().records, base));
      bufferBytes.addCallback((result) => result.observe(read().bytes, base));
    },
  };
}
