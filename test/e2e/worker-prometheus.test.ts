import { randomBytes } from 'node:crypto';
import { waitFor } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dropKeys,
  e2eNames,
  freePort,
  kafka,
  pairMessages,
  watchVerdicts,
  workerConfig,
} from './helpers/fleet.js';
import { spawnWorker, writeConfig } from './helpers/worker-process.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** `name{a="x",b="y"} 12` lines of a Prometheus text exposition. */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

describe('worker metrics on the Prometheus endpoint', () => {
  it('exposes shadow.* series with env=shadow, service and route, scraped over HTTP', async () => {
    const names = await e2eNames();
    cleanup.push(() => dropKeys(names.prefix));
    const port = await freePort();
    const worker = spawnWorker(writeConfig(workerConfig(names, { prometheusPort: port })));
    cleanup.push(() => worker.stop());
    await worker.ready;
    const watcher = await watchVerdicts(names.verdicts);
    cleanup.push(() => watcher.stop());

    const ids = Array.from({ length: 50 }, () => randomBytes(16).toString('hex'));
    const producer = kafka().producer();
    await producer.connect();
    cleanup.push(() => producer.disconnect());
    await producer.send({
      topic: names.taps,
      messages: [
        ...ids.flatMap((id, i) => pairMessages(id, i)),
        ...[1, 2, 3].map((i) => ({ key: `junk-${i}`, value: randomBytes(40) })),
      ],
    });
    await waitFor('50 verdicts', () => watcher.seen.size >= 50);

    const url = `http://127.0.0.1:${port}/metrics`;
    let scraped: ReturnType<typeof samples> = [];
    const value = (name: string, labels: Record<string, string>) =>
      scraped
        .filter(
          (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
        )
        .reduce((sum, s) => sum + s.value, 0);
    const base = { env: 'shadow', service: 'orders', route: 'GET /orders/{id}' };
    // Metrics are recorded right after the verdict is published: poll until the scrape shows them.
    await waitFor('all pairs counted on /metrics', async () => {
      scraped = samples(await (await fetch(url)).text());
      return value('shadow_pairs_total', base) === 50;
    });
    expect(value('shadow_pairs_total', { ...base, outcome: 'diff' })).toBe(10);
    expect(value('shadow_pairs_total', { ...base, outcome: 'match' })).toBe(40);
    expect(
      value('shadow_diffs_total', { ...base, kind: 'body', path: '/total', severity: 'minor' }),
    ).toBe(10);
    expect(value('shadow_latency_seconds_count', { ...base, role: 'primary' })).toBe(50);
    expect(value('shadow_responses_total', { ...base, role: 'shadow', status_class: '2xx' })).toBe(
      50,
    );
    expect(value('shadow_pipeline_lag_seconds_count', base)).toBe(50);
    await waitFor('DLQ counted', async () => {
      scraped = samples(await (await fetch(url)).text());
      return value('shadow_dlq_total', { env: 'shadow', code: 'ERR_DECODE_MAGIC' }) === 3;
    });
    // Every shadow_* series carries the three contract attributes.
    for (const s of scraped.filter((x) => x.name.startsWith('shadow_'))) {
      expect(s.labels.env).toBe('shadow');
      expect(s.labels.service).toBe('orders');
      expect(s.labels.route).toBeDefined();
    }
    const target = scraped.find((s) => s.name === 'target_info');
    expect(target?.labels.deployment_environment_name).toBe('shadow');
    expect(await worker.stop()).toBe(0);
  });
});
