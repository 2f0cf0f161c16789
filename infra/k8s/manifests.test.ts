import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '@shadowdiff/cli';
import { validateConfig } from '@shadowdiff/contracts';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { checkCliArgs } from '../support/cli-args.js';
import { listenPort, readYamlDocuments } from '../support/yaml-docs.js';
import type { K8sObject } from '../support/yaml-docs.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const objects = files
  .filter((f) => f !== 'kustomization.yaml')
  .flatMap((f) => readYamlDocuments(`${dir}${f}`) as K8sObject[]);
const kustomization = readYamlDocuments(`${dir}kustomization.yaml`)[0] as { resources: string[] };

interface ContainerPort {
  name?: string;
  containerPort: number;
}
interface Probe {
  httpGet?: { port: string | number };
  tcpSocket?: { port: string | number };
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: ContainerPort[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { containers: Container[]; volumes?: { name: string; configMap?: { name: string } }[] };
}

const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
const deployments = byKind('Deployment');
const template = (d: K8sObject) => (d.spec as { template: PodTemplate }).template;
const shadowdiffContainers = deployments.flatMap((d) =>
  template(d)
    .spec.containers.filter((c) => c.image.startsWith('shadowdiff:'))
    .map((c) => ({ deployment: d.metadata.name, container: c })),
);

const configMap = byKind('ConfigMap').find((o) => o.metadata.name === 'shadowdiff-config')!;
const config: ShadowdiffConfig = validateConfig(
  parseYaml(configMap.data!['shadowdiff.yaml']!),
  'infra/k8s/config.yaml',
);

describe('Kubernetes manifests', () => {
  it('parse, carry apiVersion/kind/name, and are all listed in kustomization.yaml', () => {
    expect(objects.length).toBeGreaterThanOrEqual(10);
    for (const o of objects) {
      expect(o.apiVersion, JSON.stringify(o.metadata)).toBeTruthy();
      expect(o.kind).toBeTruthy();
      expect(o.metadata?.name).toBeTruthy();
    }
    expect([...kustomization.resources].sort()).toEqual(
      files.filter((f) => f !== 'kustomization.yaml').sort(),
    );
  });

  it('ship a config the shadowdiff schema accepts, listening beyond loopback in pods', () => {
    expect(config.tap.listen).toMatch(/^0\.0\.0\.0:/);
    expect(config.tap.adminListen).toMatch(/^0\.0\.0\.0:/);
    expect(config.console.listen).toMatch(/^0\.0\.0\.0:/);
    expect(config.telemetry.prometheus.host).toBe('0.0.0.0');
  });

  it.each(shadowdiffContainers.map((c) => [`${c.deployment}/${c.container.name}`, c.container]))(
    '%s runs a real shadowdiff verb with real flags and the mounted config',
    (_name, container) => {
      const args = (container as Container).args ?? [];
      const result = checkCliArgs(args, COMMANDS);
      expect(result.problems).toEqual([]);
      expect(result.values.config).toBe('/etc/shadowdiff/shadowdiff.yaml');
      expect((container as Container).volumeMounts).toContainEqual(
        expect.objectContaining({ mountPath: '/etc/shadowdiff' }),
      );
    },
  );

  it('open the ports the config says each verb listens on, and probes use them', () => {
    const expected: Record<string, Record<string, number>> = {
      tap: {
        http: listenPort(config.tap.listen),
        admin: listenPort(config.tap.adminListen),
        metrics: config.telemetry.prometheus.port,
      },
      worker: { metrics: config.telemetry.prometheus.port },
      console: { http: listenPort(config.console.listen) },
    };
    const verbs = new Set<string>();
    for (const { container } of shadowdiffContainers) {
      const verb = container.args![0]!;
      verbs.add(verb);
      const ports = Object.fromEntries(
        (container.ports ?? []).map((p) => [p.name, p.containerPort]),
      );
      expect(ports, `${verb} ports`).toEqual(expected[verb]);
      for (const probe of [container.readinessProbe, container.livenessProbe]) {
        const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
        if (port !== undefined) expect(Object.keys(ports)).toContain(port);
      }
    }
    expect([...verbs].sort()).toEqual(['console', 'tap', 'worker']);
  });

  it('route every Service to pods that exist, on a port those pods open', () => {
    for (const service of byKind('Service')) {
      const spec = service.spec as {
        selector: Record<string, string>;
        ports: { port: number; targetPort: string | number }[];
      };
      const pods = deployments
        .map(template)
        .filter((t) => Object.entries(spec.selector).every(([k, v]) => t.metadata.labels[k] === v));
      expect(pods.length, `pods behind ${service.metadata.name}`).toBeGreaterThan(0);
      const open = pods.flatMap((t) => t.spec.containers.flatMap((c) => c.ports ?? []));
      for (const p of spec.ports) {
        expect(
          open.some((o) => o.name === p.targetPort || o.containerPort === p.targetPort),
          `${service.metadata.name}:${p.port} -> ${p.targetPort}`,
        ).toBe(true);
      }
    }
  });

  it('give both taps the same redaction key and mount only what exists', () => {
    const secret = byKind('Secret').find((s) => s.metadata.name === 'shadowdiff-secrets')!;
    const taps = shadowdiffContainers.filter((c) => c.container.args![0] === 'tap');
    expect(
      taps.map((t) => t.container.args![t.container.args!.indexOf('--role') + 1]).sort(),
    ).toEqual(['primary', 'shadow']);
    const keyRefs = taps.map(
      (t) =>
        t.container.env?.find((e) => e.name === config.tap.redact.keyEnv)?.valueFrom?.secretKeyRef,
    );
    expect(keyRefs[0]).toEqual({ name: 'shadowdiff-secrets', key: 'redact-key' });
    expect(keyRefs[1]).toEqual(keyRefs[0]);
    for (const { container } of shadowdiffContainers) {
      for (const env of container.env ?? []) {
        const ref = env.valueFrom?.secretKeyRef;
        if (ref) expect(Object.keys(secret.stringData ?? {})).toContain(ref.key);
      }
    }
    for (const d of deployments) {
      for (const v of template(d).spec.volumes ?? []) {
        if (v.configMap) expect(v.configMap.name).toBe(configMap.metadata.name);
      }
    }
  });

  it('scale the worker on Kafka consumer lag of the group and topic the config names', () => {
    const scaler = byKind('ScaledObject')[0]!;
    const spec = scaler.spec as {
      scaleTargetRef: { name: string };
      minReplicaCount: number;
      maxReplicaCount: number;
      triggers: { type: string; metadata: Record<string, string> }[];
    };
    expect(scaler.apiVersion).toBe('keda.sh/v1alpha1');
    expect(deployments.map((d) => d.metadata.name)).toContain(spec.scaleTargetRef.name);
    expect(
      template(deployments.find((d) => d.metadata.name === spec.scaleTargetRef.name)!).spec
        .containers[0]!.args![0],
    ).toBe('worker');
    const kafka = spec.triggers.find((t) => t.type === 'kafka')!;
    expect(kafka.metadata.bootstrapServers).toBe(config.kafka.brokers.join(','));
    expect(kafka.metadata.consumerGroup).toBe(config.worker.groupId);
    expect(kafka.metadata.topic).toBe(config.kafka.topics.taps);
    expect(Number(kafka.metadata.lagThreshold)).toBeGreaterThan(0);
    expect(spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(spec.maxReplicaCount).toBeGreaterThan(spec.minReplicaCount);
  });
});
