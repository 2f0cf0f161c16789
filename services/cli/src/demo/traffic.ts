import { ProgressBar } from '../progress.js';

export interface TrafficResult {
  sent: number;
  failed: number;
  /** Status codes clients received (always the primary's). */
  statuses: Record<number, number>;
}

/** Drives `total` GET requests at `concurrency` through `baseUrl`, with a progress bar. */
export async function driveTraffic(options: {
  baseUrl: string;
  total: number;
  concurrency: number;
  path: (i: number) => string;
  progress: NodeJS.WritableStream;
  signal?: AbortSignal;
}): Promise<TrafficResult> {
  const bar = new ProgressBar(options.progress, 'traffic', options.total);
  const result: TrafficResult = { sent: 0, failed: 0, statuses: {} };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < options.total && !options.signal?.aborted) {
      const i = next++;
      try {
        const response = await fetch(`${options.baseUrl}${options.path(i)}`, {
          headers: { accept: 'application/json' },
        });
        await response.arrayBuffer();
        result.statuses[response.status] = (result.statuses[response.status] ?? 0) + 1;
      } catch {
        result.failed++;
      }
      result.sent++;
      bar.tick();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  bar.finish();
  return result;
}
