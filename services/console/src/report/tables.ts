import type { EvidenceReport } from './evidence.js';
import { ci, fieldName, ms, num, pct, value } from './format.js';

/** A report table as plain cells; each renderer escapes and lays it out in its own format. */
export interface TableData {
  head: string[];
  rows: string[][];
  /** Columns holding numbers (right-aligned where the format can). */
  numeric: number[];
}

/** `reason count, reason count` — e.g. why a route was never mirrored, or what noise took out. */
export function countsText(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([k, v]) => `${k} ${num(v)}`)
    .join(', ');
}

export function routesTable(r: EvidenceReport): TableData {
  return {
    head: [
      'Route',
      'Pairs',
      'Diff rate',
      '95% CI',
      'Most severe',
      'Orphans',
      'Errors P / S',
      'p95 P / S',
      'p99 P / S',
    ],
    rows: r.routes.map((row) => [
      row.route,
      num(row.compared),
      pct(row.diffRate) + (row.recount ? ' (recounted)' : ''),
      ci(row.diffInterval, row.compared),
      row.worst ? `${row.worst.severity}: ${fieldName(row.worst.kind, row.worst.path)}` : '',
      pct(row.orphanRate),
      `${pct(row.errorRate.primary)} / ${pct(row.errorRate.shadow)}`,
      `${ms(row.latency.primary.p95)} / ${ms(row.latency.shadow.p95)}`,
      `${ms(row.latency.primary.p99)} / ${ms(row.latency.shadow.p99)}`,
    ]),
    numeric: [1, 2, 5],
  };
}

export function fieldsTable(r: EvidenceReport): TableData {
  return {
    head: [
      'Route',
      'Field',
      'Diffs',
      'Share of pairs',
      'Severity',
      'Example (trace at location: primary → shadow)',
    ],
    rows: r.topFields.map((f) => [
      f.route,
      fieldName(f.kind, f.path),
      num(f.diffs),
      pct(f.rate),
      f.worst ?? '',
      f.example
        ? `${f.example.traceId}${f.example.at !== undefined ? ` at ${f.example.at}` : ''}: ${value(f.example.primary)} → ${value(f.example.shadow)}`
        : '(example aged out)',
    ]),
    numeric: [2, 3],
  };
}

export function unmirroredTable(r: EvidenceReport): TableData {
  return {
    head: ['Route', 'Primary requests', 'Why'],
    rows: r.coverage.routesNeverMirrored.map((n) => [
      n.route,
      num(n.primarySeen),
      countsText(n.reasons),
    ]),
    numeric: [1],
  };
}
