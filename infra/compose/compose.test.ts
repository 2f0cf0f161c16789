import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '@shadowdiff/cli';
import { validateConfig } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { checkCliArgs } from '../support/cli-args.js';
import { listenPort } from '../support/yaml-docs.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const root = join(dir, '../..');
const compose = parseYaml(readFileSync(join(dir, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as {
  services: Record<
    string,
    {
      image?: string;
      build?: { context: string; dockerfile: string };
      command?: string[];
      ports?: string[];
      volumes?: string[];
      depends_on?: Record<string, { condition: string }>;
      environment?: Record<string, string | number>;
    }
  >;
};
const config = validateConfig(
  parseYaml(readFileSync(join(dir, 'shadowdiff.yaml'), 'utf8')),
  'infra/compose/shadowdiff.yaml',
);
const prometheus = parseYaml(readFileSync(join(dir, '../prometheus/prometheus.yml'), 'utf8')) as {
  scrape_configs: {
    job_name: string;
    static_configs?: { targets: string[] }[];
    dns_sd_configs?: { names: string[]; port: number }[];
  }[];
};
const expand = (s: string) => s.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
const shadowdiff = Object.entries(compose.services).filter(([, s]) =>
  s.image?.startsWith('shadowdiff:'),
);

describe('docker compose stack', () => {
  it('has Kafka, Redis, a tap, workers, the console, Prometheus and Grafana', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['console', 'grafana', 'kafka', 'prometheus', 'redis', 'tap', 'worker'].sort(),
    );
  });

  it.each(shadowdiff.map(([name, s]) => [name, s]))(
    '%s runs a real shadowdiff verb with real flags',
    (_name, s) => {
      const result = checkCliArgs((s.command ?? []).map(expand), COMMANDS);
      expect(result.problems).toEqual([]);
      expect(result.values.config).toBe('/etc/shadowdiff/shadowdiff.yaml');
      expect(s.volumes).toContain('./shadowdiff.yaml:/etc/shadowdiff/shadowdiff.yaml:ro');
      expect(s.depends_on).toMatchObject({
        kafka: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    },
  );

  it('wires the config to the services and ports the stack really has', () => {
    expect(config.kafka.brokers).toEqual(['kafka:9092']);
    expect(compose.services.kafka!.environment!.KAFKA_ADVERTISED_LISTENERS).toBe(
      `PLAINTEXT://${config.kafka.brokers[0]}`,
    );
    expect(config.redis.url).toBe('redis://redis:6379');
    const published = (service: string) =>
      (compose.services[service]!.ports ?? []).map((p) => Number(p.split(':')[1]));
    expect(published('tap')).toEqual([listenPort(config.tap.listen)]);
    expect(published('console')).toEqual([listenPort(config.console.listen)]);
    expect(String(config.tap.listen).startsWith('0.0.0.0')).toBe(true);
    expect(config.telemetry.prometheus.host).toBe('0.0.0.0');
  });

  it('lets Prometheus scrape the workers and the tap on the telemetry port', () => {
    const port = config.telemetry.prometheus.port;
    const worker = prometheus.scrape_configs.find((j) => j.job_name === 'shadowdiff-worker')!;
    expect(worker.dns_sd_configs![0]).toMatchObject({ names: ['worker'], port });
    const tap = prometheus.scrape_configs.find((j) => j.job_name === 'shadowdiff-tap')!;
    expect(tap.static_configs![0]!.targets).toEqual([`tap:${port}`]);
    const volume = compose.services.prometheus!.volumes![0]!;
    expect(volume).toBe('../prometheus:/etc/prometheus/shadowdiff:ro');
  });

  it('mounts only files that exist and builds the image the services run', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const v of s.volumes ?? []) {
        const host = v.split(':')[0]!;
        expect(existsSync(join(dir, host)), `${name}: ${host}`).toBe(true);
      }
    }
    const build = shadowdiff[0]![1].build!;
    expect(existsSync(join(dir, build.context, build.dockerfile))).toBe(true);
    const dockerfile = readFileSync(join(dir, build.context, build.dockerfile), 'utf8');
    const entry = /ENTRYPOINT \["node", "\/app\/([^"]+)"\]/.exec(dockerfile)![1]!;
    const bin = (
      JSON.parse(readFileSync(join(root, 'services/cli/package.json'), 'utf8')) as {
        bin: Record<string, string>;
      }
    ).bin.shadowdiff!;
    expect(entry).toBe(join('services/cli', bin));
  });

  it('provisions Grafana with the Prometheus service and the shadowdiff dashboard', () => {
    const ds = parseYaml(
      readFileSync(join(dir, '../grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    ) as {
      datasources: { type: string; url: string }[];
    };
    const promPort = Number(compose.services.prometheus!.ports![0]!.split(':')[1]);
    expect(ds.datasources[0]).toMatchObject({
      type: 'prometheus',
      url: `http://prometheus:${promPort}`,
    });
    const provider = parseYaml(
      readFileSync(join(dir, '../grafana/provisioning/dashboards/shadowdiff.yml'), 'utf8'),
    ) as {
      providers: { options: { path: string } }[];
    };
    expect(compose.services.grafana!.volumes).toContain(
      `../grafana/shadowdiff-dashboard.json:${provider.providers[0]!.options.path}/shadowdiff-dashboard.json:ro`,
    );
  });
});
