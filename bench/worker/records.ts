import { randomBytes } from 'node:crypto';
import { encodeTapRecord } from '@shadowdiff/contracts';
import type { Role, TapRecord } from '@shadowdiff/contracts';
import { jsonTapRecord } from '@shadowdiff/testkit/fixtures';

/** A ~1 KB JSON order document; `drift` changes one value so one pair in ten is a diff. */
function body(i: number, drift: boolean): Buffer {
  const doc = {
    id: i,
    status: 'confirmed',
    currency: 'EUR',
    total: drift ? 101.5 : 100.5,
    customer: { id: `c-${i % 977}`, tier: 'gold', country: 'NL' },
    items: Array.from({ length: 6 }, (_, k) => ({
      sku: `SKU-${(i * 31 + k) % 10_000}`,
      name: `Product ${k} with a descriptive name`,
      qty: 1 + (k % 3),
      price: 10 + k,
    })),
    notes: 'x'.repeat(220),
  };
  return Buffer.from(JSON.stringify(doc));
}

function record(traceId: string, role: Role, i: number, bytes: Buffer): TapRecord {
  return jsonTapRecord(traceId, role, bytes, {
    service: 'bench',
    tapId: `bench-${role}`,
    url: `/orders/${i}`,
    durationMs: 3 + (i % 50),
  });
}

export interface Pair {
  traceId: string;
  primary: Buffer;
  shadow: Buffer;
}

/** `n` encoded pairs (1 KB bodies), built once so producing measures Kafka, not encoding. */
export function pairs(n: number): Pair[] {
  const out: Pair[] = [];
  for (let i = 0; i < n; i++) {
    const traceId = randomBytes(16).toString('hex');
    out.push({
      traceId,
      primary: encodeTapRecord(record(traceId, 'primary', i, body(i, false))),
      shadow: encodeTapRecord(record(traceId, 'shadow', i, body(i, i % 10 === 0))),
    });
  }
  return out;
}
