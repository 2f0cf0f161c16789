import { TAP_SHADOW_LATENCY } from '@shadowdiff/source';
import { METRIC_NAMES } from '@shadowdiff/telemetry';

/**
 * What the worker and the tap export, as Prometheus sees it. The OTel names come from
 * `@shadowdiff/telemetry`'s `METRIC_NAMES` (the worker's contract); the instrument kind is not in
 * those constants, so `WORKER_KINDS` states it and metric-catalog.test.ts checks it against the
 * real instruments. Mapping rule (`prometheusNames`), as @opentelemetry/exporter-prometheus
 * ~0.223 writes the scrape endpoint (also checked by that test, against the real serializer):
 *
 *   1. every character outside [a-zA-Z0-9_] becomes `_`, runs of `_` collapse to one
 *      (`shadow.pipeline.lag` -> `shadow_pipeline_lag`);
 *   2. a counter (monotonic sum) gets `_total` (`shadow_pairs_total`);
 *   3. a histogram is three series: `_bucket`, `_sum`, `_count`;
 *   4. gauges and up-down counters keep the name;
 *   5. no unit suffix: this exporter version writes the unit only as a `# UNIT` comment. So
 *      (metrics v2) every duration names its unit itself, as the last word of the OTel name, in
 *      seconds: `shadow.latency.seconds` (unit `s`) is `shadow_latency_seconds_bucket` — the
 *      same name OTLP -> Prometheus translation gives (it appends `_seconds` for unit `s` only
 *      when the name does not already end with it; `otlpPrometheusName` below).
 */
export type InstrumentKind = 'counter' | 'histogram' | 'gauge';

export interface Instrument {
  otelName: string;
  kind: InstrumentKind;
  exportedBy: 'worker' | 'tap';
}

/** Kinds of the worker's instruments, keyed like METRIC_NAMES. */
export const WORKER_KINDS: Record<keyof typeof METRIC_NAMES, InstrumentKind> = {
  pairs: 'counter',
  pairsNoisePending: 'counter',
  diffs: 'counter',
  suppressed: 'counter',
  latency: 'histogram',
  responses: 'counter',
  pipelineLag: 'histogram',
  late: 'counter',
  dlq: 'counter',
};

/**
 * The tap's instruments that dashboards and alerts read. The tap names them with string literals
 * (services/tap/src/tap-metrics.ts), not through METRIC_NAMES; metric-catalog.test.ts runs the real
 * tap to prove it exports them.
 */
export const TAP_INSTRUMENTS: readonly Instrument[] = [
  { otelName: 'shadow.tap.records', kind: 'counter', exportedBy: 'tap' },
  { otelName: TAP_SHADOW_LATENCY, kind: 'histogram', exportedBy: 'tap' },
];

export function workerInstruments(): Instrument[] {
  return (Object.keys(METRIC_NAMES) as (keyof typeof METRIC_NAMES)[]).map((key) => ({
    otelName: METRIC_NAMES[key],
    kind: WORKER_KINDS[key],
    exportedBy: 'worker',
  }));
}

/** The documented rule: OTel instrument -> the series names on the scrape endpoint. */
export function prometheusNames(otelName: string, kind: InstrumentKind): string[] {
  const base = otelName.replace(/[^a-zA-Z0-9_]/g, '_').replace(/_{2,}/g, '_');
  switch (kind) {
    case 'counter':
      return [base.endsWith('_total') ? base : `${base}_total`];
    case 'histogram':
      return [`${base}_bucket`, `${base}_sum`, `${base}_count`];
    case 'gauge':
      return [base];
  }
}

/** Prometheus' unit words for the UCUM units shadowdiff's instruments use (`{pair}` etc. have none). */
export const UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'seconds',
  ms: 'milliseconds',
  By: 'bytes',
};

/**
 * The metric family name OTLP -> Prometheus translation gives an instrument (Prometheus' OTLP
 * receiver and the Collector's prometheus exporters, `UnderscoreEscapingWithSuffixes`, the
 * default): sanitize, append the unit word unless the name already ends with it (annotations
 * like `{pair}` add nothing), then `_total` for a counter. Histogram series add
 * `_bucket/_sum/_count` to it.
 */
export function otlpPrometheusName(otelName: string, unit: string, kind: InstrumentKind): string {
  let name = otelName.replace(/[^a-zA-Z0-9_]/g, '_').replace(/_{2,}/g, '_');
  const word = UNIT_WORDS[unit.replace(/\{[^}]*\}/g, '')];
  if (word !== undefined && !name.endsWith(`_${word}`)) name = `${name}_${word}`;
  if (kind === 'counter' && !name.endsWith('_total')) name = `${name}_total`;
  return name;
}

/** Every series name the worker and tap export, mapped to the instrument it comes from. */
export function exportedSeries(): Map<string, Instrument> {
  const out = new Map<string, Instrument>();
  for (const instrument of [...workerInstruments(), ...TAP_INSTRUMENTS]) {
    for (const name of prometheusNames(instrument.otelName, instrument.kind))
      out.set(name, instrument);
  }
  return out;
}
