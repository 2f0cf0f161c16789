/**
 * The three processes the benchmark puts in front of the same primary and shadow:
 * - `kafka`: `shadowdiff tap --mode mirror` publishing its records to Kafka (a fresh topic) — what
 *   the mirror tap costs in a fleet, the baseline the target is about;
 * - `drop`: the same tap with a publisher that drops the records (`tap-only.js`) — a lower bound:
 *   the tap without even a Kafka client;
 * - `run`: `shadowdiff run` (the tap + in-process worker, noise learning, console, metrics).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Child } from './proc.js';
import { freePort, start } from './proc.js';

export type HopKind = 'kafka' | 'drop' | 'run';

export interface HopContext {
  primary: string;
  shadow: string;
  /** Where the Kafka tap's config file goes. */
  dir: string;
  brokers: string;
  /** The fresh topic the Kafka tap publishes to. */
  topic: string;
  /** Directory of the compiled bench (tap-only.js, gc-probe.js). */
  here: string;
  cli: string;
}

/** Starts one hop; its `first` line is the URL clients send to. `gcProbe` adds gc-probe.js. */
export async function startHop(
  kind: HopKind,
  ctx: HopContext,
  gcProbe?: { out: string },
): Promise<Child> {
  const metrics = String(await freePort());
  if (kind === 'drop') {
    return start([join(ctx.here, 'tap-only.js'), ctx.primary, ctx.shadow, metrics], 'tap (drop)');
  }
  const services = ['--primary', ctx.primary, '--shadow', ctx.shadow];
  const listen = ['--listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0'];
  if (kind === 'kafka') {
    const config = join(ctx.dir, 'tap-kafka.yaml');
    writeFileSync(
      config,
      [
        'kafka:',
        `  topics: { taps: ${ctx.topic} }`,
        'telemetry:',
        `  prometheus: { port: ${metrics} }`,
        '',
      ].join('\n'),
    );
    return start(
      [ctx.cli, 'tap', '--mode', 'mirror', ...services, ...listen, '--config', config],
      'shadowdiff tap (kafka)',
      { ...process.env, KAFKA_BROKERS: ctx.brokers },
    );
  }
  const node = gcProbe ? ['--expose-gc', '--import', join(ctx.here, 'gc-probe.js')] : [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // `run` needs neither: prove it by pointing them nowhere.
    KAFKA_BROKERS: '127.0.0.1:9',
    REDIS_URL: 'redis://127.0.0.1:9',
    ...(gcProbe ? { BENCH_GC_PROBE_OUT: gcProbe.out } : {}),
  };
  return start(
    [
      ...node,
      ctx.cli,
      'run',
      ...services,
      ...listen,
      '--console-listen',
      '127.0.0.1:0',
      '--metrics-port',
      metrics,
    ],
    'shadowdiff run',
    env,
  );
}
