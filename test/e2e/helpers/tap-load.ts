import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { metrics } from '@opentelemetry/api';
import { validateConfig } from '@shadowdiff/contracts';
import type { Verdict } from '@shadowdiff/contracts';
import { createKafkaPublisher } from '@shadowdiff/kafka';
import { startTap } from '@shadowdiff/tap';
import { kafkaBrokers } from '@shadowdiff/testkit';
import type { E2eNames } from './fleet.js';

type Expected = 'match' | 'diff';

/** An HTTP service answering `/orders/<i>` with JSON; the shadow drifts on every 5th order. */
async function ordersService(shadow: boolean): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const i = Number((req.url ?? '').split('/')[2] ?? 0);
    const body = JSON.stringify({ id: i, total: shadow && i % 5 === 0 ? 11 : 10, lines: ['a'] });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A mirror tap (in this process, publishing to the shared Kafka on the test's topics) in front of
 * a primary and a shadow orders service, and a steady client load on it: `perTick` requests every
 * 20 ms (250 req/s at 5), each with a traceparent of its own, at most 32 in flight.
 */
export async function mirrorTapLoad(names: E2eNames, perTick = 5) {
  const primary = await ordersService(false);
  const shadow = await ordersService(true);
  const config = validateConfig({
    service: 'orders',
    kafka: {
      brokers: kafkaBrokers(),
      topics: { taps: names.taps, verdicts: names.verdicts, dlq: names.dlq },
    },
    tap: {
      mode: 'mirror',
      primary: primary.url,
      shadow: shadow.url,
      listen: '127.0.0.1:0',
      adminListen: '127.0.0.1:0',
      tapId: 'e2e-fault-tap',
      buffer: { lingerMs: 5 },
      selfCheck: { enabled: false },
    },
  });
  const publisher = createKafkaPublisher({ brokers: kafkaBrokers(), clientId: 'e2e-fault-tap' });
  await publisher.ready();
  const tapLog: string[] = [];
  const tap = await startTap({
    config,
    publisher,
    meter: metrics.getMeter('e2e-fault'),
    redactKey: Buffer.from('e2e-fault'),
    log: (line) => tapLog.push(line),
  });
  /** Trace id -> the outcome its verdict must have. */
  const sent = new Map<string, Expected>();
  const clientErrors: string[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  let inFlight = 0;
  let n = 0;
  const one = () => {
    const i = n++;
    const traceId = randomBytes(16).toString('hex');
    inFlight++;
    const done = (error?: string) => {
      inFlight--;
      if (error !== undefined) clientErrors.push(`#${i}: ${error}`);
    };
    const headers = { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
    const req = http.get(`${tap.url}/orders/${i}`, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => done(e.message));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200 || (JSON.parse(body) as { id: number }).id !== i) {
          return done(`${res.statusCode} ${body.slice(0, 80)}`);
        }
        sent.set(traceId, i % 5 === 0 ? 'diff' : 'match');
        done();
      });
    });
    req.on('error', (e) => done(e.message));
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    sent,
    clientErrors,
    tapLog,
    start() {
      timer = setInterval(() => {
        for (let k = 0; k < perTick && inFlight < 32; k++) one();
      }, 20);
    },
    /** Stops sending; resolves once every request in flight answered and the tap published. */
    async stop() {
      clearInterval(timer);
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
    },
    async close() {
      clearInterval(timer);
      agent.destroy();
      await tap.close();
      await publisher.close();
      await primary.close();
      await shadow.close();
    },
  };
}

/** Per trace id: lost (no verdict), duplicated (more than one), wrong (another outcome). */
export function countVerdicts(sent: ReadonlyMap<string, Expected>, verdicts: readonly Verdict[]) {
  const byTrace = new Map<string, Verdict[]>();
  for (const v of verdicts) byTrace.set(v.traceId, [...(byTrace.get(v.traceId) ?? []), v]);
  const lost: string[] = [];
  const duplicated: string[] = [];
  const wrong: string[] = [];
  for (const [id, expected] of sent) {
    const got = byTrace.get(id) ?? [];
    if (got.length === 0) lost.push(id);
    if (got.length > 1) duplicated.push(id);
    if (got.some((v) => v.outcome !== expected)) {
      wrong.push(`${id}: ${got.map((v) => v.outcome).join(',')} (expected ${expected})`);
    }
  }
  return { lost, duplicated, wrong };
}

/** The line each fault test prints. */
export function faultLine(
  fault: string,
  sent: number,
  c: ReturnType<typeof countVerdicts>,
  clientErrors: number,
) {
  return (
    `${fault}: traces sent ${sent}, lost ${c.lost.length}, duplicated ${c.duplicated.length}, ` +
    `wrong ${c.wrong.length}, client errors ${clientErrors}`
  );
}
