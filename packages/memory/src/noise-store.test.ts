import { noiseStoreContract } from '@shadowdiff/testkit';
import { MemoryNoiseStore } from './noise-store.js';

noiseStoreContract('memory', () => {
  const store = new MemoryNoiseStore();
  return Promise.resolve({ connect: () => store, close: () => Promise.resolve() });
});
