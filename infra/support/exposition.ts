import { UNIT_WORDS } from './metric-catalog.js';

/**
 * A reader of the Prometheus text exposition (format 0.0.4, what exporter-prometheus serves on
 * /metrics) and the naming checks `promtool check metrics` does not make: that a family whose
 * `# UNIT` is a real unit names it as its last word (`shadow_latency_seconds` for `s`), and that
 * histogram buckets are consistent. OpenMetrics requires the first; Prometheus' own OTLP
 * translation produces it, so a name that passes here reads the same either way.
 */
export interface MetricFamily {
  name: string;
  type?: string;
  unit?: string;
  help?: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const SUFFIXES = ['_bucket', '_sum', '_count'];

/** Families in order of appearance; throws, naming the line, on a line that is not exposition. */
export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const family = (name: string) => {
    let f = families.get(name);
    if (f === undefined) families.set(name, (f = { name, samples: [] }));
    return f;
  };
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const meta = /^# (HELP|TYPE|UNIT) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const f = family(meta[2]!);
      if (meta[1] === 'HELP') f.help = meta[3];
      else if (meta[1] === 'TYPE') f.type = meta[3];
      else f.unit = meta[3];
      return;
    }
    if (line.startsWith('#')) return;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`exposition line ${i + 1} is not a sample: ${line}`);
    const name = m[1]!;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!;
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    const owner =
      families.has(name) && families.get(name)!.type !== 'histogram'
        ? name
        : (SUFFIXES.map((s) => (name.endsWith(s) ? name.slice(0, -s.length) : '')).find(
            (base) => base !== '' && families.get(base)?.type === 'histogram',
          ) ?? name);
    family(owner).samples.push({ name, labels, value });
  });
  return families;
}

/** The family name a unit check reads: a counter's `_total` is not part of it. */
function stem(f: MetricFamily): string {
  return f.type === 'counter' && f.name.endsWith('_total') ? f.name.slice(0, -6) : f.name;
}

/** Naming and bucket problems in an exposition, one readable line each (empty: valid). */
export function expositionProblems(text: string): string[] {
  const problems: string[] = [];
  for (const f of parseExposition(text).values()) {
    if (f.type === undefined) problems.push(`${f.name}: samples without a # TYPE line`);
    const unit = (f.unit ?? '').replace(/\{[^}]*\}/g, '');
    const word = UNIT_WORDS[unit];
    if (unit !== '' && word === undefined) {
      problems.push(`${f.name}: unit "${f.unit}" has no Prometheus unit word (use s or By)`);
    } else if (word !== undefined && !stem(f).endsWith(`_${word}`)) {
      problems.push(
        `${f.name}: unit "${f.unit}" is not in the name; name it ${stem(f)}_${word} (the unit as the last word)`,
      );
    }
    if (word === 'milliseconds')
      problems.push(`${f.name}: durations are in seconds (unit s), not milliseconds`);
    if (f.type === 'histogram') problems.push(...histogramProblems(f));
  }
  return problems;
}

function histogramProblems(f: MetricFamily): string[] {
  const problems: string[] = [];
  const series = new Map<string, { les: number[]; counts: number[]; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let entry = series.get(key);
    if (entry === undefined) series.set(key, (entry = { les: [], counts: [] }));
    if (s.name === `${f.name}_bucket`) {
      entry.les.push(le === '+Inf' ? Infinity : Number(le));
      entry.counts.push(s.value);
    } else if (s.name === `${f.name}_count`) entry.count = s.value;
  }
  for (const [key, s] of series) {
    const sorted = s.les.every((le, i) => i === 0 || le > s.les[i - 1]!);
    const monotonic = s.counts.every((c, i) => i === 0 || c >= s.counts[i - 1]!);
    if (!sorted || !monotonic) problems.push(`${f.name}${key}: buckets out of order`);
    if (s.les.at(-1) !== Infinity) problems.push(`${f.name}${key}: no le="+Inf" bucket`);
    else if (s.counts.at(-1) !== s.count)
      problems.push(`${f.name}${key}: +Inf bucket ${s.counts.at(-1)} != _count ${s.count}`);
  }
  return problems;
}
