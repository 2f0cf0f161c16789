/**
 * Accuracy harness: seeded real drift and seeded noise of every kind, through the real mirror tap
 * (loopback HTTP) and a real worker with no config file, scored against the seeded truth.
 *
 * Scenarios (ACCURACY_SCENARIO, default both in this order):
 * - `classic` (classic.ts, issue 5): 5 routes, a warm-up then a measured phase; a missed target
 *   sets the exit code to 1.
 * - `long-tail` (long-tail.ts, issue 14): 200 routes x 10 requests, no warm-up, scored from the
 *   first pair of each route; prints its targets, never sets the exit code.
 *
 * Run: `npm run bench:accuracy` (compiles with tsc, runs the built JS). ACCURACY_FLEET=1 runs the
 * same traffic through the fleet (real Kafka at KAFKA_BROKERS, Redis at REDIS_URL; wiring.ts).
 */
import { runClassic } from './classic.js';
import { runLongTail } from './long-tail.js';

const SCENARIOS = ['classic', 'long-tail'] as const;
type Scenario = (typeof SCENARIOS)[number];

function selected(): Scenario[] {
  const raw = process.env.ACCURACY_SCENARIO;
  if (raw === undefined || raw === '' || raw === 'all') return [...SCENARIOS];
  const out: Scenario[] = [];
  for (const name of raw.split(',').map((s) => s.trim())) {
    if (!(SCENARIOS as readonly string[]).includes(name)) {
      throw new Error(
        `ACCURACY_SCENARIO=${raw}: unknown scenario "${name}"; use one of ${SCENARIOS.join(', ')}, a comma-separated list, or all`,
      );
    }
    out.push(name as Scenario);
  }
  return out;
}

async function main(): Promise<void> {
  for (const scenario of selected()) {
    if (scenario === 'classic' && !(await runClassic())) process.exitCode = 1;
    if (scenario === 'long-tail') await runLongTail();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
