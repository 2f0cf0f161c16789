import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const json = (name: string) =>
  JSON.parse(readFileSync(join(here, name), 'utf8')) as Record<string, unknown>;

describe('infra/aws example', () => {
  it('agrees with itself: the config accepts the session VNI and the filter port', () => {
    const config = parseConfig(
      readFileSync(join(here, 'shadowdiff.yaml'), 'utf8'),
      'shadowdiff.yaml',
    );
    const session = json('mirror-session.json');
    const ingress = json('filter-rule-ingress.json') as {
      DestinationPortRange: { FromPort: number };
      Protocol: number;
    };
    const egress = json('filter-rule-egress.json') as {
      SourcePortRange: { FromPort: number };
      TrafficDirection: string;
    };
    expect(config.vpc.vnis).toEqual([session.VirtualNetworkId]);
    expect(config.vpc.serverPorts).toEqual([ingress.DestinationPortRange.FromPort]);
    expect(egress.SourcePortRange.FromPort).toBe(ingress.DestinationPortRange.FromPort);
    expect([ingress.Protocol, egress.TrafficDirection]).toEqual([6, 'egress']);
    // Whole packets: a PacketLength would cut bodies (counted, but never judged).
    expect(session).not.toHaveProperty('PacketLength');
    expect(json('mirror-target.json')).toHaveProperty('NetworkInterfaceId');
    expect(json('mirror-filter.json')).toHaveProperty('Description');
  });
});
