import type { Attributes, Meter } from '@opentelemetry/api';
import { UPSTREAM_ERROR_KINDS } from '@shadowdiff/contracts';
import type { Role, UpstreamErrorKind } from '@shadowdiff/contracts';
import { SKIP_REASONS } from './mirror-policy.js';
import type { SkipReason } from './mirror-policy.js';

/** Why a record never reached the publisher's acks. A metric attribute: closed list. */
export const DROP_REASONS = ['buffer_full', 'publish_failed', 'shutdown'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** How a shadow request ended: `ok` (any HTTP answer) or the failure kind. */
export type ShadowOutcome = 'ok' | UpstreamErrorKind;

export interface TapMetrics {
  published(count: number): void;
  dropped(reason: DropReason, count: number): void;
  skipped(reason: SkipReason): void;
  request(role: Role): void;
  upstreamError(role: Role, kind: UpstreamErrorKind): void;
  shadowLatency(ms: number, outcome: ShadowOutcome): void;
  passthrough(kind: 'upgrade' | 'connect'): void;
  /** Reports buffer depth on each collection. */
  observeBuffer(read: () => { records: number; bytes: number }): void;
}

/**
 * The tap's own instruments. Every point carries `env="shadow"` and `service`, like every other
 * shadowdiff series, so one dashboard filter covers them. Attribute sets are built once here: the
 * hot path only picks one.
 */
export function createTapMetrics(meter: Meter, service: string): TapMetrics {
  const base = { env: 'shadow', service } as const;
  const records = meter.createCounter('shadow.tap.records', {
    description:
      'Tap records by outcome: published (acked by the transport) or dropped, with reason',
  });
  const skipped = meter.createCounter('shadow.tap.mirror.skipped', {
    description: 'Requests not mirrored (mirror mode) or not recorded (sidecar mode), by reason',
  });
  const requests = meter.createCounter('shadow.tap.requests', {
    description: 'Requests the tap sent upstream, by role (mirror mode: primary and shadow)',
  });
  const errors = meter.createCounter('shadow.tap.upstream.errors', {
    description: 'Upstream requests that got no (complete) response, by role and kind',
  });
  const latency = meter.createHistogram('shadow.tap.shadow.latency', {
    description: 'Shadow request duration in mirror mode, by outcome',
    unit: 'ms',
    advice: {
      explicitBucketBoundaries: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
    },
  });
  const passthrough = meter.createCounter('shadow.tap.passthrough', {
    description: 'Upgrade (websocket) and CONNECT requests tunnelled without capture',
  });
  const bufferRecords = meter.createObservableGauge('shadow.tap.buffer.records', {
    description: 'Records waiting in the tap buffer for the publisher',
  });
  const bufferBytes = meter.createObservableGauge('shadow.tap.buffer.bytes', {
    description: 'Encoded bytes waiting in the tap buffer for the publisher',
    unit: 'By',
  });

  const published: Attributes = { ...base, outcome: 'published' };
  const droppedBy = table(DROP_REASONS, (reason) => ({ ...base, outcome: 'dropped', reason }));
  const skippedBy = table(SKIP_REASONS, (reason) => ({ ...base, reason }));
  const roles = table(['primary', 'shadow', 'secondary'] as const, (role) => ({ ...base, role }));
  const errorsBy = new Map<string, Attributes>();
  for (const role of ['primary', 'shadow', 'secondary'] as const) {
    for (const kind of UPSTREAM_ERROR_KINDS)
      errorsBy.set(`${role}/${kind}`, { ...base, role, kind });
  }
  const latencyBy = table(['ok', ...UPSTREAM_ERROR_KINDS] as const, (outcome) => ({
    ...base,
    outcome,
  }));
  const passthroughBy = table(['upgrade', 'connect'] as const, (kind) => ({ ...base, kind }));

  return {
    published: (count) => records.add(count, published),
    dropped: (reason, count) => records.add(count, droppedBy[reason]),
    skipped: (reason) => skipped.add(1, skippedBy[reason]),
    request: (role) => requests.add(1, roles[role]),
    upstreamError: (role, kind) => errors.add(1, errorsBy.get(`${role}/${kind}`)),
    shadowLatency: (ms, outcome) => latency.record(ms, latencyBy[outcome]),
    passthrough: (kind) => passthrough.add(1, passthroughBy[kind]),
    observeBuffer(read) {
      bufferRecords.addCallback((result) => result.observe(read().records, base));
      bufferBytes.addCallback((result) => result.observe(read().bytes, base));
    },
  };
}

function table<K extends string>(
  keys: readonly K[],
  make: (key: K) => Attributes,
): Record<K, Attributes> {
  return Object.fromEntries(keys.map((k) => [k, make(k)])) as Record<K, Attributes>;
}
