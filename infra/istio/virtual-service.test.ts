import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readYamlDocuments } from '../support/yaml-docs.js';
import type { K8sObject } from '../support/yaml-docs.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const [vs] = readYamlDocuments(here('./virtual-service.yaml')) as K8sObject[];
const k8s = ['config.yaml', 'taps.yaml', 'worker.yaml', 'console.yaml'].flatMap(
  (f) => readYamlDocuments(here(`../k8s/${f}`)) as K8sObject[],
);
const kustomization = readYamlDocuments(here('./kustomization.yaml'))[0] as { resources: string[] };

interface Destination {
  host: string;
  port: { number: number };
}
interface HttpRoute {
  name: string;
  match?: { method?: { regex?: string; exact?: string } }[];
  route: { destination: Destination; weight: number }[];
  mirror?: Destination;
  mirrorPercentage?: { value: number };
}

/** `orders.shadowdiff.svc.cluster.local:80` must be a Service in infra/k8s with that port. */
function serviceFor(dest: Destination) {
  const [name, namespace] = dest.host.split('.');
  const svc = k8s.find(
    (o) => o.kind === 'Service' && o.metadata.name === name && o.metadata.namespace === namespace,
  );
  expect(svc, dest.host).toBeDefined();
  const ports = (svc!.spec as { ports: { port: number }[] }).ports.map((p) => p.port);
  expect(ports, dest.host).toContain(dest.port.number);
  return svc!;
}

describe('Istio VirtualService', () => {
  const spec = vs!.spec as { hosts: string[]; http: HttpRoute[] };

  it('is a networking.istio.io VirtualService applied with the k8s base', () => {
    expect(vs!.apiVersion).toMatch(/^networking\.istio\.io\/v1(beta1|alpha3)?$/);
    expect(vs!.kind).toBe('VirtualService');
    expect(kustomization.resources).toEqual(['../k8s', 'virtual-service.yaml']);
    for (const host of spec.hosts) serviceFor({ host, port: { number: 80 } });
  });

  it('mirrors a percentage of safe-method traffic to the shadow tap Service', () => {
    const mirrored = spec.http.filter((r) => r.mirror);
    expect(mirrored).toHaveLength(1);
    const route = mirrored[0]!;
    const shadow = serviceFor(route.mirror!);
    const primary = serviceFor(route.route[0]!.destination);
    expect(shadow.metadata.name).not.toBe(primary.metadata.name);
    expect(route.route.reduce((s, r) => s + r.weight, 0)).toBe(100);
    expect(route.mirrorPercentage!.value).toBeGreaterThan(0);
    expect(route.mirrorPercentage!.value).toBeLessThanOrEqual(100);
    const regex = new RegExp(route.match![0]!.method!.regex!);
    for (const m of ['GET', 'HEAD', 'OPTIONS']) expect(regex.test(m), m).toBe(true);
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE', 'GETX'])
      expect(regex.test(m), m).toBe(false);
  });

  it('sends everything else to the primary only', () => {
    const last = spec.http.at(-1)!;
    expect(last.match).toBeUndefined();
    expect(last.mirror).toBeUndefined();
    expect(serviceFor(last.route[0]!.destination).metadata.name).toBe('orders');
  });

  it('mirrors to a Service whose pods run a shadow-role tap, and routes to a primary-role one', () => {
    const roleBehind = (serviceName: string) => {
      const svc = k8s.find((o) => o.kind === 'Service' && o.metadata.name === serviceName)!;
      const selector = (svc.spec as { selector: Record<string, string> }).selector;
      const deployment = k8s.find(
        (o) =>
          o.kind === 'Deployment' &&
          Object.entries(selector).every(
            ([k, v]) =>
              (o.spec as { template: { metadata: { labels: Record<string, string> } } }).template
                .metadata.labels[k] === v,
          ),
      )!;
      const tap = (
        deployment.spec as { template: { spec: { containers: { args?: string[] }[] } } }
      ).template.spec.containers.find((c) => c.args?.[0] === 'tap')!;
      return tap.args![tap.args!.indexOf('--role') + 1];
    };
    const route = spec.http.find((r) => r.mirror)!;
    expect(roleBehind(route.mirror!.host.split('.')[0]!)).toBe('shadow');
    expect(roleBehind(route.route[0]!.destination.host.split('.')[0]!)).toBe('primary');
  });
});
