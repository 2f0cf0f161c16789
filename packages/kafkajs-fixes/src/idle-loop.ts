import { createRequire } from 'node:module';

interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

const PATCHED = Symbol.for('shadowdiff.kafkajs.idleLoopFix');

/**
 * kafkajs 2.2.4's RequestQueue re-arms `checkPendingRequests` after every check even when nothing
 * is pending, with a negative delay that node clamps to 1 ms: every broker connection then wakes
 * the event loop a thousand times a second, forever (tulios/kafkajs#1556, #1704; fix proposed in
 * #1667, unreleased). On the tap that idle loop cost more CPU per request than publishing itself
 * at moderate rates. With nothing pending and no throttle there is nothing to check: a new request
 * is sent or schedules its own check, and a finished one checks the queue. So this skips exactly
 * that case and defers to the original otherwise. Applied once per process, on first use (not at
 * import); harmless to consumers sharing the module.
 */
export function fixKafkajsIdleLoop(): void {
  const require = createRequire(import.meta.url);
  let RequestQueue: { prototype: RequestQueueLike } | undefined;
  try {
    RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
      prototype: RequestQueueLike;
    };
  } catch {
    return; // a kafkajs without this file: nothing to fix
  }
  const proto = RequestQueue.prototype as RequestQueueLike & { [PATCHED]?: true };
  if (proto[PATCHED] === true || typeof proto.scheduleCheckPendingRequests !== 'function') return;
  const original = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(
    this: RequestQueueLike,
  ): void {
    if (this.pending.length === 0 && !(this.throttledUntil > Date.now())) return;
    original.call(this);
  };
  proto[PATCHED] = true;
}
