/**
 * Engine benchmark (issue 4, benchmark a): pairs/s of `judge` for 1 KB, 16 KB and 256 KB JSON
 * bodies that are identical, differ only in volatile fields, or drift structurally. Each figure
 * is printed as a ratio to the floor measured in the same run: decoding both bodies from bytes
 * and `JSON.parse`-ing them, the least any JSON comparison must do. Rates are per CPU-second and
 * the ratio is the median of alternating floor/engine rounds. Not a timed test: it prints.
 * Targets (issue 4): >= 0.5x the floor for volatile and drifting bodies, above 1x for identical
 * ones (the raw-bytes fast path). Array-heavy cases (array-fixtures.ts, BENCH_ARRAY_LENGTH elements,
 * default 1000): keyed objects with a few changed / removed / moved, the same shuffled, a shuffled
 * scalar set, objects with no key (positional fallback); target >= 0.5x their own floor.
 * Exit code is 0 either way: a miss is for a human to read.
 *
 * Run: `npm run bench:engine` (compiles with tsc, runs the built JS).
 */
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import type { TapRecord } from '@shadowdiff/contracts';
import { compileRules, judge } from '@shadowdiff/engine';
import type { JudgeInput } from '@shadowdiff/engine';
import { arrayCases } from './array-fixtures.js';
import { primaryDoc, record, shadowDoc } from './fixtures.js';
import type { Variant } from './fixtures.js';

const SIZES = [
  { label: '1 KB', bytes: 1024 },
  { label: '16 KB', bytes: 16 * 1024 },
  { label: '256 KB', bytes: 256 * 1024 },
];
const VARIANTS: Variant[] = ['identical', 'volatile', 'drift'];
const TARGET: Record<Variant, number> = { identical: 1, volatile: 0.5, drift: 0.5 };
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
/** Elements per array in the array-heavy cases. */
const ARRAY_LENGTH = Number(process.env.BENCH_ARRAY_LENGTH ?? 1000);
const ARRAY_TARGET = 0.5;

let sink = 0;

/**
 * Pairs per CPU-second of one round of about ROUND_MS wall time. CPU time, not wall time: the
 * machine is shared (load averages above 10 are common while other work runs), and time spent
 * waiting for a core is not the engine's cost. GC helper threads count: they are.
 */
function round(fn: () => void): number {
  let n = 0;
  const wall = performance.now();
  const cpu = process.cpuUsage();
  do {
    for (let i = 0; i < 4; i++) fn();
    n += 4;
  } while (performance.now() - wall < ROUND_MS);
  const used = process.cpuUsage(cpu);
  return (n * 1e6) / Math.max(1, used.user + used.system);
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Floor and engine rounds alternate; the ratio is the median of each adjacent pair's ratio, so
 * a burst of someone else's work skews one pair, not the figure.
 */
function measure(
  floorFn: () => void,
  engineFn: () => void,
): { floor: number; engine: number; ratio: number } {
  round(floorFn);
  round(engineFn);
  const floors: number[] = [];
  const engines: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const f = round(floorFn);
    const e = round(engineFn);
    floors.push(f);
    engines.push(e);
    ratios.push(e / f);
  }
  return { floor: median(floors), engine: median(engines), ratio: median(ratios) };
}

function floor(a: TapRecord, b: TapRecord): () => void {
  const ab = a.response?.body ?? new Uint8Array(0);
  const bb = b.response?.body ?? new Uint8Array(0);
  return () => {
    const x = JSON.parse(Buffer.from(ab.buffer, ab.byteOffset, ab.byteLength).toString('utf8'));
    const y = JSON.parse(Buffer.from(bb.buffer, bb.byteOffset, bb.byteLength).toString('utf8'));
    sink += (x === y ? 1 : 0) + 1;
  };
}

const rules = compileRules({});
const rows: string[][] = [];
let failures = 0;

const kb = (bytes: number): string =>
  `${bytes / 1024 < 10 ? (bytes / 1024).toFixed(1) : Math.round(bytes / 1024)} KB`;

/** Measures one pair against its own floor and adds a row. */
function benchPair(
  label: string,
  bodies: string,
  a: TapRecord,
  b: TapRecord,
  target: number,
  strict: boolean,
): void {
  const input: JudgeInput = {
    traceId: 'bench',
    service: 'bench',
    records: { primary: a, shadow: b },
    expected: ['primary', 'shadow'],
  };
  const ctx = { rules, now: 0 };
  const verdict = judge(input, ctx);
  const floorFn = floor(a, b);
  const engineFn = (): void => {
    sink += judge(input, ctx).diffs.length;
  };
  const { floor: floorRate, engine: engineRate, ratio } = measure(floorFn, engineFn);
  const ok = strict ? ratio > target : ratio >= target;
  if (!ok) failures++;
  rows.push([
    label,
    bodies,
    kb(a.response?.body.byteLength ?? 0),
    verdict.outcome,
    `${verdict.diffs.length}/${verdict.suppressed.length}`,
    Math.round(floorRate).toString(),
    Math.round(engineRate).toString(),
    `${ratio.toFixed(2)}x`,
    `${strict ? '>' : '>='} ${target}x ${ok ? 'ok' : 'MISS'}`,
  ]);
}

for (const size of SIZES) {
  const p = primaryDoc(size.bytes);
  const primaryText = JSON.stringify(p);
  for (const variant of VARIANTS) {
    const a = record('primary', primaryText);
    const b = record('shadow', JSON.stringify(shadowDoc(p, variant)));
    benchPair(size.label, variant, a, b, TARGET[variant], variant === 'identical');
  }
}
// Array-heavy bodies (issue 14): alignment by key, by value, and the positional fallback.
for (const c of arrayCases(ARRAY_LENGTH)) {
  const a = record('primary', JSON.stringify(c.primary));
  const b = record('shadow', JSON.stringify(c.shadow));
  benchPair(c.label, c.change, a, b, ARRAY_TARGET, false);
}

const header = [
  'case',
  'bodies',
  'actual',
  'outcome',
  'diffs/suppr',
  'floor pairs/cpu-s',
  'engine pairs/cpu-s',
  'ratio',
  'target',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(
  `engine bench — floor = utf8 decode + JSON.parse of both bodies; rates per CPU-second, ratio = median of ${ROUNDS} alternating rounds (node ${process.version})`,
);
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(failures === 0 ? 'all targets met' : `${failures} target(s) missed`);
if (sink < 0) console.log(sink);
