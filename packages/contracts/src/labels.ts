/**
 * The one spelling of "no route": the `route` of a DLQ metric point (an undecodable record has no
 * request to template) and of a verdict with no record to template from. Distinct from the metric
 * limiter's `other`, which stands for real routes past `worker.maxRoutes`.
 */
export const NO_ROUTE = 'unknown';

const CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx', '6xx', '7xx', '8xx', '9xx'];

/**
 * `2xx`, `5xx`, ... from a status code; `error` when the upstream gave no response. Metrics,
 * samples and the status diff (a change of class is critical) all read classes through this.
 */
export function statusClass(status: number | undefined): string {
  if (status === undefined) return 'error';
  const c = Math.floor(status / 100);
  return CLASSES[c] ?? `${c}xx`;
}
