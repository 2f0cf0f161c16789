import type { SampleStore } from '@shadowdiff/engine';

export interface RunTotals {
  /** Client requests the tap served: judged (every verdict) plus those not mirrored. */
  requests: number;
  /** Verdicts where both sides answered (match or diff). */
  pairs: number;
  diffs: number;
}

/** Totals over every route of `service` in [from, to], from the route statistics. */
export async function runTotals(
  samples: SampleStore,
  service: string,
  from: number,
  to: number,
): Promise<RunTotals> {
  const routes = (await samples.routes()).filter((r) => r.service === service);
  const all = await samples.statsMany(routes.map((r) => ({ service, route: r.route, from, to })));
  const totals: RunTotals = { requests: 0, pairs: 0, diffs: 0 };
  for (const s of all) {
    const unmirrored = Object.values(s.unmirrored).reduce((a, b) => a + b, 0);
    totals.requests += s.pairs + unmirrored;
    totals.pairs += s.outcomes.match + s.outcomes.diff;
    totals.diffs += s.outcomes.diff;
  }
  return totals;
}

export function progressText(t: RunTotals): string {
  const rate = t.pairs === 0 ? '—' : `${((t.diffs / t.pairs) * 100).toFixed(1)}%`;
  return `requests ${t.requests} · pairs ${t.pairs} · diff rate ${rate}`;
}

/**
 * Redraws one status line in place every `intervalMs` while `out` is a terminal; does nothing on a
 * pipe or in CI (logs stay clean). `stop()` clears the line.
 */
export function startProgressLine(
  out: NodeJS.WritableStream & { isTTY?: boolean },
  totals: () => Promise<RunTotals>,
  intervalMs = 1_000,
): { stop(): void } {
  if (out.isTTY !== true) return { stop: () => {} };
  let shown = false;
  const timer = setInterval(() => {
    void totals()
      .then((t) => {
        out.write(`\r\u001b[2K${progressText(t)}`);
        shown = true;
      })
      .catch(() => {});
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      if (shown) out.write('\r\u001b[2K');
    },
  };
}
