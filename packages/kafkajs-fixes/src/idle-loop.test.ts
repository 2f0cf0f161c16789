import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { fixKafkajsIdleLoop } from './idle-loop.js';

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
}

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: Queue };

function queue(over: Partial<Queue>): Queue {
  const q = Object.create(RequestQueue.prototype) as Queue;
  return Object.assign(q, {
    pending: [],
    throttledUntil: -1,
    throttleCheckTimeoutId: null,
    ...over,
  });
}

describe('fixKafkajsIdleLoop', () => {
  it('stops the idle 1 ms re-check loop, keeps checks when requests wait or the broker throttles', () => {
    fixKafkajsIdleLoop();
    fixKafkajsIdleLoop(); // idempotent

    const idle = queue({});
    idle.scheduleCheckPendingRequests();
    expect(idle.throttleCheckTimeoutId).toBeNull();

    const waiting = queue({ pending: [{}] });
    waiting.scheduleCheckPendingRequests();
    expect(waiting.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(waiting.throttleCheckTimeoutId as NodeJS.Timeout);

    const throttled = queue({ throttledUntil: Date.now() + 60_000 });
    throttled.scheduleCheckPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(throttled.throttleCheckTimeoutId as NodeJS.Timeout);
  });
});
