import { decodeTapRecord } from '@shadowdiff/contracts';
import { jsonTapRecord } from '@shadowdiff/testkit';
import { describe, expect, it } from 'vitest';
import { toOutbound } from './to-outbound.js';

describe('toOutbound', () => {
  it('cuts a record over maxBytes to fit, flagged truncated; leaves a small one as it is', () => {
    const big = jsonTapRecord('t-big', 'primary', { blob: 'x'.repeat(300_000) });
    const small = jsonTapRecord('t-small', 'primary', { ok: true });
    const cut = toOutbound(big, 'taps', 100_000);
    expect(cut.value.byteLength).toBeLessThanOrEqual(100_000);
    const decoded = decodeTapRecord(cut.value);
    if (!decoded.ok) throw decoded.error;
    expect(decoded.value.response?.bodyTruncated).toBe(true);
    expect(decoded.value.response?.bodySize).toBe(big.response?.bodySize);
    expect(decoded.value.meta?.cutToFit).toBe('100000');
    const kept = toOutbound(small, 'taps', 100_000);
    const same = decodeTapRecord(kept.value);
    if (!same.ok) throw same.error;
    expect(same.value.response?.bodyTruncated).toBe(false);
    expect(same.value.meta?.cutToFit).toBeUndefined();
  });
});
