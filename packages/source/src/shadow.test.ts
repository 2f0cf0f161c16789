import { createNoopMeter } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { ShadowTarget } from './shadow.js';
import { createTapMetrics } from './tap-metrics.js';
import { createUpstream } from './upstream.js';

let target: ShadowTarget | undefined;
afterEach(async () => {
  target?.deadlines.close();
  await target?.upstream.close();
});

function shadowTarget(
  over: { maxInFlight?: number; downAfterRefusals?: number; downCooldownMs?: number } = {},
): ShadowTarget {
  target = new ShadowTarget(createUpstream('http://127.0.0.1:9'), {
    timeoutMs: 1_000,
    maxInFlight: over.maxInFlight ?? 2,
    maxBodyBytes: 1_000,
    markerHeader: 'x-shadow-request',
    captureBodyBytes: 1_000,
    metrics: createTapMetrics(createNoopMeter(), 'test'),
    downAfterRefusals: over.downAfterRefusals ?? 3,
    downCooldownMs: over.downCooldownMs ?? 60_000,
  });
  return target;
}

describe('ShadowTarget', () => {
  it('bounds in-flight requests: skip when full, room again on release', () => {
    const t = shadowTarget({ maxInFlight: 2 });
    expect([t.tryAcquire(), t.tryAcquire(), t.tryAcquire()]).toEqual([
      'ok',
      'ok',
      'in_flight_full',
    ]);
    t.release();
    expect(t.tryAcquire()).toBe('ok');
  });

  it('pauses after the configured refusals in a row; any answer or other failure resets the count', () => {
    const t = shadowTarget({ downAfterRefusals: 3 });
    t.observe('refused');
    t.observe('refused');
    t.observe('timeout');
    t.observe('refused');
    t.observe('refused');
    expect(t.tryAcquire()).toBe('ok');
    t.release();
    t.observe('refused');
    expect(t.tryAcquire()).toBe('shadow_unavailable');
  });

  it('probes again after the cooldown, and an answer closes the breaker', async () => {
    const t = shadowTarget({ downAfterRefusals: 1, downCooldownMs: 20 });
    t.observe('refused');
    expect(t.tryAcquire()).toBe('shadow_unavailable');
    await expect.poll(() => t.tryAcquire()).toBe('ok');
    t.release();
    t.observe('ok');
    t.observe('refused');
    // Cooldown was reset by the answer: the pause is back to the first length, and ends again.
    expect(t.tryAcquire()).toBe('shadow_unavailable');
    await expect.poll(() => t.tryAcquire()).toBe('ok');
  });

  it('never pauses when turned off', () => {
    const t = shadowTarget({ downAfterRefusals: 0 });
    for (let i = 0; i < 100; i++) t.observe('refused');
    expect(t.tryAcquire()).toBe('ok');
  });
});
