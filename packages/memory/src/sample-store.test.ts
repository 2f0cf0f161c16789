import { sampleStoreContract } from '@shadowdiff/testkit';
import { MemorySampleStore } from './sample-store.js';

sampleStoreContract('memory', (settings) => {
  const store = new MemorySampleStore({ examplesPerKey: settings.examplesPerKey });
  return Promise.resolve({ connect: () => store, close: () => Promise.resolve() });
});
