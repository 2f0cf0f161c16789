import type { Attributes, Meter } from '@opentelemetry/api';
import type { VpcStats } from './vpc-stats.js';

/**
 * The ingest's own series, read from its counters when the SDK collects (nothing per packet):
 * `shadow.vpc.datagrams`, `shadow.vpc.skipped{reason}`, `shadow.vpc.flows{outcome,reason}`,
 * `shadow.vpc.exchanges{kind}`, `shadow.vpc.unpaired{reason}`, `shadow.vpc.bytes{kind}` and the
 * `shadow.vpc.buffered.bytes` gauge. Every point carries `env="shadow"` and `service`. Records,
 * mirror skips and the shadow's latency are the tap's `shadow.tap.*` series, from the shared source.
 */
export function observeVpcStats(
  meter: Meter,
  service: string,
  read: () => { stats: VpcStats; bufferedBytes: number; flows: number; receiveErrors: number },
): void {
  const base: Attributes = { env: 'shadow', service };
  const counter = (
    name: string,
    description: string,
    points: (s: VpcStats) => Array<[Attributes, number]>,
  ) =>
    meter.createObservableCounter(name, { description }).addCallback((result) => {
      for (const [attributes, value] of points(read().stats))
        result.observe(value, { ...base, ...attributes });
    });
  const each = (record: Record<string, number>, key: string): Array<[Attributes, number]> =>
    Object.entries(record).map(([k, v]) => [{ [key]: k }, v]);

  counter('shadow.vpc.datagrams', 'VXLAN datagrams received', (s) => [[{}, s.datagrams]]);
  counter('shadow.vpc.skipped', 'Datagrams not reassembled, by reason', (s) =>
    each(s.skipped, 'reason'),
  );
  counter(
    'shadow.vpc.flows',
    'TCP flows ended (reason) or not read as HTTP (outcome=not_http)',
    (s) => [
      ...Object.entries(s.flowsEnded).map(([reason, v]): [Attributes, number] => [
        { outcome: 'ended', reason },
        v,
      ]),
      ...Object.entries(s.notHttp).map(([reason, v]): [Attributes, number] => [
        { outcome: 'not_http', reason },
        v,
      ]),
      [{ outcome: 'midstream', reason: 'no_syn' }, s.midstreamFlows],
    ],
  );
  counter('shadow.vpc.exchanges', 'HTTP exchanges reassembled, by completeness', (s) =>
    each(s.exchanges, 'kind'),
  );
  counter('shadow.vpc.unpaired', 'Messages that never became an exchange', (s) =>
    each(s.unpaired, 'reason'),
  );
  counter(
    'shadow.vpc.bytes',
    'Stream bytes lost, cut by packet length, or retransmitted segments',
    (s) => [
      [{ kind: 'lost' }, s.lostBytes],
      [{ kind: 'truncated' }, s.truncatedBytes],
    ],
  );
  meter
    .createObservableGauge('shadow.vpc.buffered.bytes', { description: 'Bytes held by reassembly' })
    .addCallback((result) => result.observe(read().bufferedBytes, base));
  meter
    .createObservableGauge('shadow.vpc.flows.active', { description: 'TCP flows tracked' })
    .addCallback((result) => result.observe(read().flows, base));
}
