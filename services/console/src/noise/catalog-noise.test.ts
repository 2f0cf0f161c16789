import { validateConfig } from '@shadowdiff/contracts';
import { NoiseCatalog, compileRules, noiseId } from '@shadowdiff/engine';
import type { NoiseKey } from '@shadowdiff/engine';
import { MemoryNoiseStore } from '@shadowdiff/memory';
import { describe, expect, it } from 'vitest';
import { catalogNoise } from './catalog-noise.js';

const config = validateConfig({ service: 'shop' });
const key: NoiseKey = {
  service: 'shop',
  route: 'GET /a',
  kind: 'body',
  aspect: 'value',
  path: '/requestId',
};

function setup() {
  const store = new MemoryNoiseStore();
  const catalog = new NoiseCatalog({
    store,
    config: config.noise,
    rules: compileRules(config.rules),
  });
  return { store, noise: catalogNoise(catalog, { now: () => 1_234 }) };
}

describe('catalogNoise', () => {
  it('lists decided entries with their state, and records decisions by id', async () => {
    const { store, noise } = setup();
    await store.decide(key, 'confirmed', 1_000);
    const [entry] = await noise.list('shop');
    expect(entry).toMatchObject({
      id: noiseId(key),
      route: 'GET /a',
      path: '/requestId',
      state: 'confirmed',
      active: true,
      decidedAt: 1_000,
    });
    const rejected = await noise.decide(noiseId(key), 'rejected');
    expect(rejected).toMatchObject({ state: 'rejected', active: false, decidedAt: 1_234 });
    expect((await store.load('shop')).decisions[0]).toMatchObject({
      decision: 'rejected',
      at: 1_234,
    });
    expect(await noise.decide('0000000000', 'confirmed')).toBeUndefined();
    // Clearing a decision leaves an entry with no evidence: back to observing, so not listed —
    // the call says so (the console's Reset reported 404 for a reset that had worked).
    expect(await noise.decide(noiseId(key), null)).toEqual({ id: noiseId(key), removed: true });
    expect(await noise.list()).toEqual([]);
  });
});
