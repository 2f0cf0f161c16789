import { encodeTapRecord } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { compileRules } from '../route/compile-rules.js';
import { half, rules } from './align.test-kit.js';
import { pairRecords } from './pair-records.js';
import { classified } from './plan.test.js';

describe('pairRecords', () => {
  it('reuses batch halves as classified and decodes stored ones', () => {
    const s = classified('a', 'shadow');
    const stored = half('a', 'primary', '/orders/5');
    const out = pairRecords(
      { primary: encodeTapRecord(stored), shadow: s.bytes },
      { shadow: s },
      rules,
    );
    expect(out.records.shadow).toBe(s.record);
    expect(out.records.primary?.request.url).toBe('/orders/5');
    // The anchor (primary) came from the store: templated here.
    expect(out.route?.route).toBe('GET /orders/{id}');
    expect(out.undecodable).toEqual([]);
  });

  it("passes the anchor's classified route along when the anchor came in the batch", () => {
    const p = classified('a', 'primary');
    const s = classified('a', 'shadow');
    // Rules that would template differently prove the classified route is reused, not recomputed.
    const other = compileRules({ routes: [{ route: 'GET /*' }] });
    const out = pairRecords(
      { primary: p.bytes, shadow: s.bytes },
      { primary: p, shadow: s },
      other,
    );
    expect(out.route).toBe(p.route);
  });

  it('reports a stored half that no longer decodes and anchors on what is left', () => {
    const s = classified('a', 'shadow');
    const out = pairRecords(
      { primary: new Uint8Array([1]), shadow: s.bytes },
      { shadow: s },
      rules,
    );
    expect(out.undecodable.map((u) => u.role)).toEqual(['primary']);
    expect(out.records.primary).toBeUndefined();
    expect(out.route).toBe(s.route);
    expect(pairRecords({}, {}, rules).route).toBeUndefined();
  });
});
