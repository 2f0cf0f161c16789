import type { NoiseStore } from '@shadowdiff/engine';
import { noiseStoreContract } from '@shadowdiff/testkit';
import { MemoryNoiseStore } from './noise-store.js';

noiseStoreContract('memory', () => {
  const store = new MemoryNoiseStore();
  return Promise.resolve({ connect: () => store, close: () => Promise.resolve() });
});

// The same contract with a restart before every call: the store is rebuilt from its exported
// state, through JSON, as `run --state` does — any field the state loses fails a contract case.
noiseStoreContract('memory, restored from exportState before every call', () => {
  let store = new MemoryNoiseStore();
  const reopen = (): MemoryNoiseStore => {
    const next = new MemoryNoiseStore();
    next.importState(JSON.parse(JSON.stringify(store.exportState())));
    store = next;
    return store;
  };
  const connect = (): NoiseStore =>
    new Proxy({} as NoiseStore, {
      get(_target, prop) {
        const current = reopen();
        const value = (current as unknown as Record<string | symbol, unknown>)[prop];
        return typeof value === 'function' ? value.bind(current) : value;
      },
    });
  return Promise.resolve({ connect, close: () => Promise.resolve() });
});
