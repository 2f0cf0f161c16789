import { decodeVerdict, validateConfig } from '@shadowdiff/contracts';
import type { Role, ShadowdiffConfigInput, Verdict } from '@shadowdiff/contracts';
import { NoiseCatalog, compileRules } from '@shadowdiff/engine';
import type { SampleStore } from '@shadowdiff/engine';
import {
  MemoryBus,
  MemoryNoiseStore,
  MemoryPendingStore,
  MemorySampleStore,
  TimerOrphanScheduler,
  systemClock,
} from '@shadowdiff/memory';
import { encodedJsonTapRecord, waitFor } from '@shadowdiff/testkit';
import { startWorker } from '@shadowdiff/worker';
import { metrics } from '@opentelemetry/api';
import { ConsoleData } from './api/console-data.js';
import { catalogNoise } from './noise/catalog-noise.js';

export interface HalfSpec {
  body: unknown;
  status?: number;
  durationMs?: number;
}

/**
 * The real worker (judge, noise learner, sample batches) on the in-memory adapters, fed tap
 * records directly, with the console's data layer over its sample store and noise catalog: what
 * the console, `report` and `gate` read, computed from real verdicts (test fixture).
 */
export async function embeddedWorker(
  overrides: ShadowdiffConfigInput = {},
  /** The sample store to judge into (default in memory; a RedisSampleStore in a fleet test). */
  samples: SampleStore = new MemorySampleStore(),
) {
  const config = validateConfig({ service: 'shop', worker: { windowMs: 2_000 }, ...overrides });
  const bus = new MemoryBus({ partitions: 2 });
  const noise = new MemoryNoiseStore();
  const worker = await startWorker({
    config,
    source: bus.source(config.kafka.topics.taps, config.worker.groupId),
    publisher: bus.publisher(),
    store: new MemoryPendingStore(),
    scheduler: new TimerOrphanScheduler(),
    samples,
    meter: metrics.getMeter('console-test'),
    clock: systemClock,
    noise,
    noiseFlushMs: 20,
  });
  const verdicts: Verdict[] = [];
  const reader = bus.source(config.kafka.topics.verdicts, 'reader');
  await reader.run((batch) => {
    for (const m of batch) {
      const d = decodeVerdict(m.value);
      if (!d.ok) throw d.error;
      verdicts.push(d.value);
    }
    return Promise.resolve();
  });
  const publisher = bus.publisher();
  const catalog = new NoiseCatalog({ store: noise, config: config.noise, rules: compileRules({}) });
  const consoleNoise = catalogNoise(catalog);
  const data = new ConsoleData(samples, consoleNoise);
  let n = 0;
  return {
    config,
    verdicts,
    catalog,
    samples,
    data,
    /** The console's noise panel (list and decide) over the learner's catalog. */
    noise: consoleNoise,
    /** One trace on `url`: a half per role. */
    async trace(url: string, halves: Partial<Record<Role, HalfSpec>>): Promise<void> {
      const id = `trace-${n++}`;
      await publisher.publish(
        Object.entries(halves).map(([role, h]) => ({
          topic: config.kafka.topics.taps,
          key: id,
          value: encodedJsonTapRecord(id, role as Role, h.body, {
            url,
            service: config.service,
            ...(h.status !== undefined ? { status: h.status } : {}),
            ...(h.durationMs !== undefined ? { durationMs: h.durationMs } : {}),
          }),
        })),
      );
    },
    /** Waits until `count` verdicts are out and the sample store holds them all. */
    async settled(count: number): Promise<void> {
      await waitFor(`${count} verdicts`, () => verdicts.length >= count);
      await waitFor(`${count} pairs in the sample store`, async () => {
        const routes = await samples.routes();
        const stats = await samples.statsMany(
          routes.map((r) => ({ ...r, from: Date.now() - 3_600_000, to: Date.now() + 60_000 })),
        );
        return stats.reduce((a, s) => a + s.pairs, 0) >= count;
      });
    },
    async close(): Promise<void> {
      await worker.stop();
      await reader.stop();
    },
  };
}
