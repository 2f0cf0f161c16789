import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { mirrorRig, rawExchange } from './hostile.test-kit.js';
import type { Rig, Seen } from './hostile.test-kit.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** Every value of a header as it arrived (raw lines, any case). */
const values = (seen: Seen | undefined, name: string): string[] => {
  const out: string[] = [];
  const raw = seen?.rawHeaders ?? [];
  for (let i = 0; i < raw.length; i += 2)
    if ((raw[i] as string).toLowerCase() === name) out.push(raw[i + 1] as string);
  return out;
};
const request = (line: string, ...headers: string[]): string =>
  `${line}\r\nHost: x\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`;

describe("a client's own X-Shadow-Request header", () => {
  it('never reaches the primary, and the shadow gets only the tap’s own marker', async () => {
    rig = await mirrorRig();
    const forged = await rawExchange(
      rig.port,
      request('GET /m HTTP/1.1', 'X-Shadow-Request: 1', 'x-SHADOW-request: dry-run=off'),
    );
    const unmirrored = await rawExchange(
      rig.port,
      request('POST /p HTTP/1.1', 'X-Shadow-Request: 1', 'Content-Length: 2') + 'hi',
    );
    await rig.settled();
    const primaryM = rig.primary.seen.find((s) => s.url === '/m');
    const primaryP = rig.primary.seen.find((s) => s.url === '/p');
    const shadowM = rig.shadow.seen.find((s) => s.url === '/m');
    console.log(
      [
        'forged marker, mirror mode:',
        `  GET /m -> client ${forged.statuses.join(',')}; primary got x-shadow-request ${JSON.stringify(values(primaryM, 'x-shadow-request'))}, shadow got ${JSON.stringify(values(shadowM, 'x-shadow-request'))}`,
        `  POST /p (not mirrored) -> client ${unmirrored.statuses.join(',')}; primary got ${JSON.stringify(values(primaryP, 'x-shadow-request'))}; shadow requests ${rig.shadow.seen.length}`,
      ].join('\n'),
    );
    expect(forged.statuses).toEqual([200]);
    expect(unmirrored.statuses).toEqual([200]);
    expect(values(primaryM, 'x-shadow-request')).toEqual([]);
    expect(values(primaryP, 'x-shadow-request')).toEqual([]);
    expect(values(shadowM, 'x-shadow-request')).toEqual(['1']);
    expect(rig.shadow.seen.map((s) => s.url)).toEqual(['/m']);
  });

  it('is stripped by a primary sidecar (requests and upgrade tunnels), kept by a shadow sidecar', async () => {
    rig = await mirrorRig({}, 'primary');
    const upgrades: string[][] = [];
    rig.primary.server.on('upgrade', (req: { rawHeaders: string[] }, socket: Socket) => {
      upgrades.push(req.rawHeaders);
      socket.end(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n',
      );
    });
    await rawExchange(rig.port, request('GET /s HTTP/1.1', 'X-Shadow-Request: 1'));
    await rawExchange(
      rig.port,
      'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\nX-Shadow-Request: 1\r\n\r\n',
    );
    const upgradeMarker = values({ rawHeaders: upgrades[0] ?? [] } as Seen, 'x-shadow-request');
    const primarySeen = rig.primary.seen.find((s) => s.url === '/s');

    const shadowSide = await mirrorRig({}, 'shadow');
    try {
      await rawExchange(shadowSide.port, request('GET /s HTTP/1.1', 'X-Shadow-Request: 1'));
      const shadowSeen = shadowSide.primary.seen.find((s) => s.url === '/s');
      console.log(
        [
          'forged marker, sidecar mode:',
          `  primary sidecar: request carried ${JSON.stringify(values(primarySeen, 'x-shadow-request'))}, upgrade carried ${JSON.stringify(upgradeMarker)} (${upgrades.length} upgrade)`,
          `  shadow sidecar: request carried ${JSON.stringify(values(shadowSeen, 'x-shadow-request'))}`,
        ].join('\n'),
      );
      expect(values(primarySeen, 'x-shadow-request')).toEqual([]);
      expect(upgrades).toHaveLength(1);
      expect(upgradeMarker).toEqual([]);
      // Behind a mesh mirror, the marker (if the mesh adds one) is the shadow's own business.
      expect(values(shadowSeen, 'x-shadow-request')).toEqual(['1']);
    } finally {
      await shadowSide.close();
    }
  });
});

describe('absolute-form request targets', () => {
  it('are policed, forwarded and recorded by their path: an exclude glob holds, a writeRoutes entry applies', async () => {
    rig = await mirrorRig({
      mirror: { exclude: ['/admin/**'], writeRoutes: ['POST /orders/{id}/preview'] },
    });
    const cases = [
      request('GET http://evil.example/admin/secret HTTP/1.1'),
      request('GET http://evil.example/%61dmin/secret?x=1 HTTP/1.1'),
      request('GET HTTP://evil.example:80/admin/x HTTP/1.1'),
      request('POST http://evil.example/orders/7/preview HTTP/1.1', 'Content-Length: 2') + 'hi',
      request('GET http://evil.example/orders/7 HTTP/1.1'),
    ];
    const statuses: number[] = [];
    for (const c of cases) statuses.push(...(await rawExchange(rig.port, c)).statuses);
    await rig.settled();
    console.log(
      [
        'absolute-form targets (exclude /admin/**, writeRoutes POST /orders/{id}/preview):',
        `  client statuses ${JSON.stringify(statuses)}`,
        `  primary got ${JSON.stringify(rig.primary.seen.map((s) => `${s.method} ${s.headers.host} ${s.url}`))}`,
        `  shadow got ${JSON.stringify(rig.shadow.seen.map((s) => `${s.method} ${s.headers.host} ${s.url}`))}`,
      ].join('\n'),
    );
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    // Forwarded in origin form, the target's authority as the Host.
    expect(rig.primary.seen.map((s) => `${s.method} ${s.headers.host} ${s.url}`)).toEqual([
      'GET evil.example /admin/secret',
      'GET evil.example /%61dmin/secret?x=1',
      'GET evil.example:80 /admin/x',
      'POST evil.example /orders/7/preview',
      'GET evil.example /orders/7',
    ]);
    expect(rig.shadow.seen.map((s) => `${s.method} ${s.headers.host} ${s.url}`)).toEqual([
      'POST evil.example /orders/7/preview',
      'GET evil.example /orders/7',
    ]);
    expect(rig.records().map((r) => r.request.url)).toContain('/orders/7/preview');
  });
});
