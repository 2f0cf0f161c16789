/**
 * Preloaded into the `run` process of the memory phase (`node --expose-gc --import gc-probe.js`):
 * on SIGUSR2 it collects garbage and writes `process.memoryUsage()` as JSON to the file named by
 * BENCH_GC_PROBE_OUT, so the bench reads the heap that is really retained, not what the collector
 * has not got to yet. The bench process is the only sender; `shadowdiff run` itself is unchanged.
 */
import { writeFileSync } from 'node:fs';

const out = process.env.BENCH_GC_PROBE_OUT;
const gc = (globalThis as { gc?: () => void }).gc;
if (out && gc) {
  process.on('SIGUSR2', () => {
    gc();
    writeFileSync(out, JSON.stringify(process.memoryUsage()));
  });
}
