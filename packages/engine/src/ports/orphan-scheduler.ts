/**
 * Fires the orphan timeout of each trace once its deadline passed. At-least-once: `onDue` may see
 * a trace that was paired meanwhile; `PendingStore.expire` then answers `gone`. When `onDue`
 * rejects, its trace ids fire again later. `schedule` is idempotent per trace id, never fires
 * before `dueAt`, and some implementations fill their deadline index from the store itself (then
 * `schedule` costs nothing).
 */
export interface OrphanScheduler {
  schedule(entries: readonly { traceId: string; dueAt: number }[]): Promise<void>;
  /** Starts firing; resolves once running. */
  start(onDue: (traceIds: string[]) => Promise<void>): Promise<void>;
  /** Stops firing; resolves after the `onDue` call in flight (if any) settled. */
  stop(): Promise<void>;
}
