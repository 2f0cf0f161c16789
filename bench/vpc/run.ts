/**
 * VPC ingest benchmark (issue 16). Part 1, in process: mirror traffic built ahead of time (keep-
 * alive connections, 1 KB and 16 KB response bodies) pushed through
 *   decode   · VXLAN/Ethernet/IP/TCP decoding of every datagram (the baseline)
 *   reassemble · the MirrorReassembler: flows, TCP reassembly, HTTP framing and pairing
 *   record   · reassembly + the shared source's record building (redaction, encoding, buffer)
 * in alternating rounds; prints captured exchanges per CPU-second (user + system of this process)
 * and each as a ratio to `decode` in the same round, with the spread over rounds.
 * Part 2 (root only; `primary-p99.ts`): the primary's p99 with the kernel mirroring its packets
 * into VXLAN vs not, at a fixed load. Not a timed test.
 *
 * Run: `npm run bench:vpc`. Env: BENCH_ROUNDS (5), BENCH_CONNECTIONS (400), BENCH_PER_CONNECTION (10).
 */
import { metrics } from '@opentelemetry/api';
import { validateConfig } from '@shadowdiff/contracts';
import { MirrorReassembler, decodeDatagram, recordExchange } from '@shadowdiff/ingest';
import { createSource } from '@shadowdiff/source';
import { mirrorTraffic } from './traffic.js';
import { primaryP99 } from './primary-p99.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 400);
const PER_CONNECTION = Number(process.env.BENCH_PER_CONNECTION ?? 10);

function cpuSeconds(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

function recordingSource() {
  const config = validateConfig({
    service: 'bench',
    tap: {
      selfCheck: { enabled: false },
      buffer: { maxRecords: 1_000_000, maxBytes: 2_000_000_000 },
    },
  });
  return createSource({
    config,
    publisher: { publish: async () => {}, close: async () => {} },
    meter: metrics.getMeter('bench'),
    mode: 'mirror',
    role: 'primary',
    tapId: 'bench',
    facts: {},
    census: false,
    redactKey: new Uint8Array(32),
    warnRandomKey: false,
    log: () => {},
  });
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)]!,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
};

async function main(): Promise<void> {
  console.log(
    `vpc-ingest bench: ${CONNECTIONS} connections x ${PER_CONNECTION} exchanges, ${ROUNDS} rounds, node ${process.version}`,
  );
  for (const bodyBytes of [1024, 16_384]) {
    const datagrams = mirrorTraffic(CONNECTIONS, PER_CONNECTION, bodyBytes);
    const exchanges = CONNECTIONS * PER_CONNECTION;
    const rates: Record<'decode' | 'reassemble' | 'record', number[]> = {
      decode: [],
      reassemble: [],
      record: [],
    };
    const ratios: Record<'reassemble' | 'record', number[]> = { reassemble: [], record: [] };
    for (let round = 0; round < ROUNDS + 1; round++) {
      const decode = cpuSeconds(() => {
        for (const d of datagrams) decodeDatagram(d);
      });
      let seen = 0;
      const reassemble = cpuSeconds(() => {
        const mirror = new MirrorReassembler({ serverPorts: [8080] });
        datagrams.forEach((d, i) => (seen += mirror.push(d, i >> 6).length));
      });
      if (seen !== exchanges) throw new Error(`reassembled ${seen} of ${exchanges} exchanges`);
      const source = recordingSource();
      const counters = { recorded: 0, requestIncomplete: 0 };
      const record = cpuSeconds(() => {
        const mirror = new MirrorReassembler({ serverPorts: [8080] });
        datagrams.forEach((d, i) => {
          for (const e of mirror.push(d, i >> 6)) recordExchange(source, e, counters);
        });
      });
      await source.close(Date.now() + 1_000);
      if (round === 0) continue; // warm-up: JIT, allocation sizes
      rates.decode.push(exchanges / decode);
      rates.reassemble.push(exchanges / reassemble);
      rates.record.push(exchanges / record);
      ratios.reassemble.push(reassemble / decode);
      ratios.record.push(record / decode);
    }
    const mb = datagrams.reduce((s, d) => s + d.length, 0) / 1e6;
    console.log(
      `\n${bodyBytes / 1024} KB bodies: ${datagrams.length} datagrams, ${mb.toFixed(1)} MB per round`,
    );
    for (const k of ['decode', 'reassemble', 'record'] as const) {
      const r = stats(rates[k]);
      const ratio =
        k === 'decode'
          ? ''
          : (() => {
              const q = stats(ratios[k]);
              return `   CPU ${q.median.toFixed(2)}x decode (${q.min.toFixed(2)}-${q.max.toFixed(2)})`;
            })();
      console.log(
        `  ${k.padEnd(10)} ${Math.round(r.median).toLocaleString('en')} exchanges/CPU-s (${Math.round(r.min).toLocaleString('en')}-${Math.round(r.max).toLocaleString('en')})${ratio}`,
      );
    }
  }
  await primaryP99();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
