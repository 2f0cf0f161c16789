import type { SampleStore } from '@shadowdiff/engine';
import { sampleStoreContract } from '@shadowdiff/testkit';
import { MemorySampleStore } from './sample-store.js';

sampleStoreContract('memory', (settings) => {
  const store = new MemorySampleStore({ examplesPerKey: settings.examplesPerKey });
  return Promise.resolve({ connect: () => store, close: () => Promise.resolve() });
});

// The same contract with a restart before every call (state through JSON, as `run --state`).
sampleStoreContract('memory, restored from exportState before every call', (settings) => {
  let store = new MemorySampleStore({ examplesPerKey: settings.examplesPerKey });
  const reopen = (): MemorySampleStore => {
    const next = new MemorySampleStore({ examplesPerKey: settings.examplesPerKey });
    next.importState(JSON.parse(JSON.stringify(store.exportState())));
    store = next;
    return store;
  };
  const connect = (): SampleStore =>
    new Proxy({} as SampleStore, {
      get(_target, prop) {
        const current = reopen();
        const value = (current as unknown as Record<string | symbol, unknown>)[prop];
        return typeof value === 'function' ? value.bind(current) : value;
      },
    });
  return Promise.resolve({ connect, close: () => Promise.resolve() });
});
