import type { OutboundMessage } from '@shadowdiff/engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkMessages, MAX_PUBLISH_BYTES } from './publish-chunks.js';

const message = (bytes: number, key = 'k'): OutboundMessage => ({
  topic: 't',
  key,
  value: new Uint8Array(bytes),
});

describe('chunkMessages', () => {
  it('keeps order and every message, each chunk under the limit unless one message alone is over', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300_000 }), { maxLength: 40 }), (sizes) => {
        const messages = sizes.map((n, i) => message(n, String(i)));
        const chunks = chunkMessages(messages);
        expect(chunks.flat()).toEqual(messages);
        for (const chunk of chunks) {
          const bytes = chunk.reduce((sum, m) => sum + m.value.byteLength, 0);
          if (chunk.length > 1) expect(bytes).toBeLessThanOrEqual(MAX_PUBLISH_BYTES);
          expect(chunk.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('splits a batch of large DLQ copies that would exceed a 1 MiB broker limit together', () => {
    const chunks = chunkMessages(Array.from({ length: 10 }, () => message(400_000)));
    expect(chunks.map((c) => c.length)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(chunkMessages([message(10), message(10)])).toHaveLength(1);
    expect(chunkMessages([])).toEqual([]);
  });
});
