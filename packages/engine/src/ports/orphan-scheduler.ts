/**
 * Fires the orphan timeout of each trace once its deadline passed. At-least-once: `onDue` may see
 * a trace that was paired meanwhile; `PendingStore.expire` then answers `gone`.
 */
export interface OrphanScheduler {
  schedule(entries: readonly { traceId: string; dueAt: number }[]): Promise<void>;
  start(onDue: (traceIds: string[]) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}
