/**
 * Engine benchmark (issue 4, benchmark a): pairs/s of `judge` for 1 KB, 16 KB and 256 KB JSON
 * bodies that are identical, differ only in volatile fields, or drift structurally. Each figure
 * is printed as a ratio to the floor measured in the same run: decoding both bodies from bytes
 * and `JSON.parse`-ing them, the least any JSON comparison must do. Not a timed test: it prints.
 *
 * Run: `npm run bench:engine` (compiles with tsc, runs the built JS).
 */
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import type { TapRecord } from '@shadowdiff/contracts';
import { compileRules, judge } from '@shadowdiff/engine';
import type { JudgeInput } from '@shadowdiff/engine';
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
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);

let sink = 0;

/** Pairs/s of one round of about ROUND_MS. */
function round(fn: () => void): number {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 4; i++) fn();
    n += 4;
    elapsed = performance.now() - start;
  } while (elapsed < ROUND_MS);
  return (n * 1000) / elapsed;
}

/**
 * Floor and engine rounds alternate, and each keeps its best round: the machine is shared, so
 * both get the same chances of an undisturbed round and the ratio is not skewed by a burst of
 * someone else's work landing on one of them.
 */
function measure(floorFn: () => void, engineFn: () => void): { floor: number; engine: number } {
  round(floorFn);
  round(engineFn);
  let floorBest = 0;
  let engineBest = 0;
  for (let r = 0; r < ROUNDS; r++) {
    floorBest = Math.max(floorBest, round(floorFn));
    engineBest = Math.max(engineBest, round(engineFn));
  }
  return { floor: floorBest, engine: engineBest };
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
for (const size of SIZES) {
  const p = primaryDoc(size.bytes);
  const primaryText = JSON.stringify(p);
  for (const variant of VARIANTS) {
    const a = record('primary', primaryText);
    const b = record('shadow', JSON.stringify(shadowDoc(p, variant)));
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
    const { floor: floorRate, engine: engineRate } = measure(floorFn, engineFn);
    const ratio = engineRate / floorRate;
    const ok = ratio >= TARGET[variant];
    if (!ok) failures++;
    rows.push([
      size.label,
      variant,
      `${(a.response?.body.byteLength ?? 0) / 1024 < 10 ? ((a.response?.body.byteLength ?? 0) / 1024).toFixed(1) : Math.round((a.response?.body.byteLength ?? 0) / 1024)} KB`,
      verdict.outcome,
      `${verdict.diffs.length}/${verdict.suppressed.length}`,
      Math.round(floorRate).toString(),
      Math.round(engineRate).toString(),
      `${ratio.toFixed(2)}x`,
      `${variant === 'identical' ? '>' : '>='} ${TARGET[variant]}x ${ok ? 'ok' : 'MISS'}`,
    ]);
  }
}

const header = [
  'size',
  'bodies',
  'actual',
  'outcome',
  'diffs/suppr',
  'floor pairs/s',
  'engine pairs/s',
  'ratio',
  'target',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(
  `engine bench — floor = utf8 decode + JSON.parse of both bodies (node ${process.version})`,
);
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(failures === 0 ? 'all targets met' : `${failures} target(s) missed`);
if (sink < 0) console.log(sink);
