/**
 * Load generator, run as its own process so its CPU is not charged to what it measures. Raw
 * keep-alive HTTP/1.1 over `connections` sockets:
 *   - closed loop (no `rate`): each socket sends its next request when the last answer arrived —
 *     the maximum throughput;
 *   - open loop (`rate` req/s): requests are due on a fixed schedule whether or not the system
 *     keeps up; latency runs from when a request was due (no coordinated omission).
 * Prints `measuring` when the warm-up ends, `end` when the window closes, then one JSON result.
 *
 *   node load.js '<json LoadSpec>'
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface LoadSpec {
  url: string;
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Open loop at this many requests per second; absent = closed loop. */
  rate?: number;
}

export interface LoadResult {
  completed: number;
  errors: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Open loop: requests still waiting for a free socket when the window closed. */
  backlog: number;
}

const spec = JSON.parse(process.argv[2] as string) as LoadSpec;
const target = new URL(spec.url);
const port = Number(target.port);
const request = Buffer.from(
  `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUser-Agent: shadowdiff-bench\r\n\r\n`,
);
const CRLF2 = Buffer.from('\r\n\r\n');

const t0 = performance.now();
const measureStart = t0 + spec.warmupMs;
const measureEnd = measureStart + spec.durationMs;
let latencies = new Float64Array(1 << 16);
let count = 0;
let errors = 0;
let running = true;

function record(ms: number): void {
  if (count === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
  }
  latencies[count++] = ms;
}

const idle: Conn[] = [];
const backlog: number[] = [];

class Conn {
  private socket!: Socket;
  private buffer: Buffer | undefined;
  private expect = -1;
  private dueAt = 0;
  busy = false;

  open(): void {
    this.socket = connect(port, target.hostname);
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', () => {
      errors += 1;
    });
    this.socket.on('close', () => {
      // A server that closes the connection (keepalive_requests, errors): reconnect and go on.
      this.buffer = undefined;
      this.expect = -1;
      const wasBusy = this.busy;
      this.busy = false;
      if (!running) return;
      this.open();
      if (wasBusy) this.send(this.dueAt);
      else this.next();
    });
  }

  send(dueAt: number): void {
    this.busy = true;
    this.dueAt = dueAt;
    this.socket.write(request);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer === undefined ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const buf: Buffer | undefined = this.buffer;
      if (buf === undefined) return;
      if (this.expect < 0) {
        const end = buf.indexOf(CRLF2);
        if (end < 0) return;
        const head = buf.toString('latin1', 0, end);
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        if (!length) {
          errors += 1;
          this.socket.destroy();
          return;
        }
        if (!head.startsWith('HTTP/1.1 2')) errors += 1;
        this.expect = end + 4 + Number(length[1]);
      }
      if (buf.length < this.expect) return;
      this.buffer = buf.length === this.expect ? undefined : buf.subarray(this.expect);
      this.expect = -1;
      this.done();
    }
  }

  private done(): void {
    const now = performance.now();
    if (this.dueAt >= measureStart && now <= measureEnd) record(now - this.dueAt);
    this.busy = false;
    this.next();
  }

  next(): void {
    if (!running) return;
    if (spec.rate === undefined) {
      if (performance.now() < measureEnd) this.send(performance.now());
      return;
    }
    const due = backlog.shift();
    if (due !== undefined) this.send(due);
    else idle.push(this);
  }
}

const conns = Array.from({ length: spec.connections }, () => new Conn());
for (const c of conns) c.open();

if (spec.rate === undefined) {
  for (const c of conns) c.send(performance.now());
} else {
  idle.push(...conns);
  const interval = 1000 / spec.rate;
  let nextDue = t0;
  const timer = setInterval(() => {
    const now = performance.now();
    while (nextDue <= now && nextDue < measureEnd) {
      const conn = idle.pop();
      if (conn) conn.send(nextDue);
      else backlog.push(nextDue);
      nextDue += interval;
    }
    if (nextDue >= measureEnd) clearInterval(timer);
  }, 1);
}

setTimeout(() => process.stdout.write('measuring\n'), spec.warmupMs);
setTimeout(() => {
  process.stdout.write('end\n');
  const left = backlog.length;
  running = false;
  const sorted = latencies.subarray(0, count).sort();
  const at = (q: number): number => sorted[Math.min(count - 1, Math.floor(q * count))] ?? NaN;
  const result: LoadResult = {
    completed: count,
    errors,
    rps: (count * 1000) / spec.durationMs,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted[count - 1] ?? NaN,
    backlog: left,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}, spec.warmupMs + spec.durationMs);
