/**
 * Array-heavy documents for the engine bench (issue 14): arrays of objects keyed by id with a few
 * elements changed, removed and moved; the same array shuffled; a shuffled set of scalars; long
 * arrays of objects with no identity key (positional fallback). Deterministic: every run
 * measures the same documents.
 */

/** Deterministic pseudo-random numbers (same generator as fixtures.ts). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export interface ArrayCase {
  label: string;
  /** What the shadow changes, for the table. */
  change: string;
  primary: unknown;
  shadow: unknown;
}

interface Line {
  id: number;
  sku: string;
  name: string;
  price: number;
  qty: number;
}

function lines(n: number, next: () => number): Line[] {
  return Array.from({ length: n }, (_, i) => ({
    id: 50_000 + i,
    sku: `SKU-${(i * 7919) % 1_000_003}`,
    name: `Order line ${i} with a reasonably descriptive product name`,
    price: Math.round(next() * 100_000) / 100,
    qty: 1 + Math.floor(next() * 9),
  }));
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

export function arrayCases(n = 1000): ArrayCase[] {
  const next = rng(1234);
  const base = lines(n, next);

  // Keyed by id: 3 prices changed, 2 lines removed, 2 lines moved elsewhere.
  const edited = clone(base);
  for (const i of [17, Math.floor(n / 2), n - 5]) (edited[i] as Line).price += 1;
  const moved = [edited[40] as Line, edited[n - 40] as Line];
  const rest = edited.filter((_, i) => i !== 40 && i !== n - 40 && i !== 100 && i !== n - 100);
  rest.splice(5, 0, moved[1] as Line);
  rest.splice(rest.length - 5, 0, moved[0] as Line);

  // Scalar set: n distinct strings, shuffled.
  const tags = Array.from({ length: n }, (_, i) => `tag-${(i * 104_729) % 1_000_003}`);

  // No identity key: every field repeats across elements, so alignment falls back to position.
  const plain = Array.from({ length: n }, (_, i) => ({
    kind: ['line', 'fee', 'tax', 'discount'][i % 4] as string,
    qty: i % 7,
    amount: (i % 13) * 1.5,
    taxable: i % 2 === 0,
  }));
  const plainEdited = clone(plain);
  for (const i of [3, Math.floor(n / 3), n - 2]) (plainEdited[i] as { qty: number }).qty += 100;

  return [
    {
      label: `keyed x${n}`,
      change: '3 changed, 2 removed, 2 moved',
      primary: { order: 'A-1', lines: base },
      shadow: { order: 'A-1', lines: rest },
    },
    {
      label: `keyed x${n}`,
      change: 'shuffled (reorder only)',
      primary: { order: 'A-1', lines: base },
      shadow: { order: 'A-1', lines: shuffled(base, rng(99)) },
    },
    {
      label: `scalar set x${n}`,
      change: 'shuffled strings',
      primary: { tags },
      shadow: { tags: shuffled(tags, rng(7)) },
    },
    {
      label: `no key x${n}`,
      change: '3 changed in place (positional)',
      primary: { entries: plain },
      shadow: { entries: plainEdited },
    },
  ];
}
