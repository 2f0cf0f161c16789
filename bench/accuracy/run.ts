/**
 * Accuracy harness: seeded real drift and seeded noise of every kind, through the real mirror tap
 * (loopback HTTP) and a real worker with no config file, scored against the seeded truth.
 *
 * Scenarios (ACCURACY_SCENARIO, default both in this order):
 * - `classic` (classic.ts, issue 5): 5 routes, a warm-up then a measured phase; a missed target
 *   sets the exit code to 1.
 *
 * Run: `npm run bench:accuracy` (compiles with tsc, runs the built JS). ACCURACY_FLEET=1 runs the
 * same traffic through the fleet (real Kafka at KAFKA_BROKERS, Redis at REDIS_URL; wiring.ts).
 */
import { runClassic } from './classic.js';

const SCENARIOS = ['classic'] as const;
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
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
