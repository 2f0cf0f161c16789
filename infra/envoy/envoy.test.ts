import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readYamlDocuments } from '../support/yaml-docs.js';
import type { K8sObject } from '../support/yaml-docs.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const envoy = readYamlDocuments(here('./envoy.yaml'))[0] as EnvoyBootstrap;
const services = (readYamlDocuments(here('../k8s/taps.yaml')) as K8sObject[]).filter(
  (o) => o.kind === 'Service',
);

const HCM =
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
const DENOMINATORS = { HUNDRED: 100, TEN_THOUSAND: 10_000, MILLION: 1_000_000 } as const;

interface SocketAddress {
  address: string;
  port_value: number;
}
interface Route {
  match: {
    prefix?: string;
    path?: string;
    headers?: { name: string; string_match?: { safe_regex?: { regex: string }; exact?: string } }[];
  };
  route: {
    cluster: string;
    request_mirror_policies?: {
      cluster: string;
      runtime_fraction?: {
        default_value: { numerator: number; denominator?: keyof typeof DENOMINATORS };
        runtime_key?: string;
      };
    }[];
    request_mirror_policy?: unknown;
  };
}
interface EnvoyBootstrap {
  admin?: { address: { socket_address: SocketAddress } };
  static_resources: {
    listeners: {
      name: string;
      address: { socket_address: SocketAddress };
      filter_chains: {
        filters: { name: string; typed_config: Record<string, unknown> & { '@type': string } }[];
      }[];
    }[];
    clusters: {
      name: string;
      type: string;
      connect_timeout: string;
      load_assignment: {
        cluster_name: string;
        endpoints: {
          lb_endpoints: { endpoint: { address: { socket_address: SocketAddress } } }[];
        }[];
      };
    }[];
  };
}

const hcms = envoy.static_resources.listeners.flatMap((l) =>
  l.filter_chains.flatMap((c) =>
    c.filters.filter((f) => f.name === 'envoy.filters.network.http_connection_manager'),
  ),
);
const routes = hcms.flatMap((h) =>
  (h.typed_config.route_config as { virtual_hosts: { routes: Route[] }[] }).virtual_hosts.flatMap(
    (v) => v.routes,
  ),
);
const clusters = new Map(envoy.static_resources.clusters.map((c) => [c.name, c]));

describe('Envoy config', () => {
  it('is a v3 static bootstrap: listeners with an HTTP connection manager ending in the router', () => {
    expect(hcms).toHaveLength(1);
    const hcm = hcms[0]!.typed_config;
    expect(hcm['@type']).toBe(HCM);
    expect(hcm.stat_prefix).toBeTruthy();
    const filters = hcm.http_filters as { name: string; typed_config: { '@type': string } }[];
    expect(filters.at(-1)!.name).toBe('envoy.filters.http.router');
    expect(filters.at(-1)!.typed_config['@type']).toBe(ROUTER);
    // The mirror keeps x-request-id, the key both taps pair on: Envoy must generate it.
    expect(hcm.generate_request_id).not.toBe(false);
    const ports = envoy.static_resources.listeners.map((l) => l.address.socket_address.port_value);
    expect(new Set([...ports, envoy.admin?.address.socket_address.port_value]).size).toBe(
      ports.length + 1,
    );
  });

  it('routes and mirrors only to clusters that are defined, with valid endpoints', () => {
    for (const r of routes) {
      expect(clusters.has(r.route.cluster), r.route.cluster).toBe(true);
      // v3 removed the singular field; Envoy rejects it.
      expect(r.route.request_mirror_policy).toBeUndefined();
      for (const m of r.route.request_mirror_policies ?? [])
        expect(clusters.has(m.cluster), m.cluster).toBe(true);
    }
    for (const c of clusters.values()) {
      expect(c.load_assignment.cluster_name).toBe(c.name);
      expect(c.connect_timeout).toMatch(/^\d+(\.\d+)?s$/);
      for (const e of c.load_assignment.endpoints.flatMap((x) => x.lb_endpoints)) {
        const a = e.endpoint.address.socket_address;
        expect(a.port_value).toBeGreaterThan(0);
        expect(a.port_value).toBeLessThan(65_536);
      }
    }
  });

  it('mirrors a valid fraction of safe-method requests only, to the shadow tap', () => {
    const mirrored = routes.filter((r) => (r.route.request_mirror_policies ?? []).length > 0);
    expect(mirrored).toHaveLength(1);
    const route = mirrored[0]!;
    const policy = route.route.request_mirror_policies![0]!;
    const fraction = policy.runtime_fraction!.default_value;
    const denominator = DENOMINATORS[fraction.denominator ?? 'HUNDRED'];
    expect(denominator).toBeDefined();
    expect(fraction.numerator).toBeGreaterThan(0);
    expect(fraction.numerator).toBeLessThanOrEqual(denominator);
    const method = route.match.headers!.find((h) => h.name === ':method')!;
    const regex = new RegExp(method.string_match!.safe_regex!.regex);
    for (const m of ['GET', 'HEAD', 'OPTIONS']) expect(regex.test(m), m).toBe(true);
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(regex.test(m), m).toBe(false);
    // The unmirrored fallback comes after, so writes still reach the primary.
    const fallback = routes.at(-1)!;
    expect(fallback.route.request_mirror_policies).toBeUndefined();
    expect(fallback.route.cluster).toBe(route.route.cluster);
  });

  it('points the primary and shadow clusters at the k8s tap Services and ports', () => {
    const target = (cluster: string) => {
      const a =
        clusters.get(cluster)!.load_assignment.endpoints[0]!.lb_endpoints[0]!.endpoint.address
          .socket_address;
      const svc = services.find((s) =>
        a.address.startsWith(`${s.metadata.name}.${s.metadata.namespace}.`),
      );
      expect(svc, a.address).toBeDefined();
      expect((svc!.spec as { ports: { port: number }[] }).ports.map((p) => p.port)).toContain(
        a.port_value,
      );
      return svc!.metadata.name;
    };
    const route = routes.find((r) => r.route.request_mirror_policies)!;
    expect(target(route.route.cluster)).toBe('orders');
    expect(target(route.route.request_mirror_policies![0]!.cluster)).toBe('orders-shadow');
  });
});
