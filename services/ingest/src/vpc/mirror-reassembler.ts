import { cidrContains, parseCidr } from './packet/cidr.js';
import type { Cidr } from './packet/cidr.js';
import { decodeDatagram, formatAddress, TCP_FLAGS } from './packet/decode-datagram.js';
import type { TcpSegment } from './packet/decode-datagram.js';
import { HttpFlow } from './tcp/http-flow.js';
import type { Exchange, FlowId } from './tcp/http-flow.js';
import { emptyVpcStats } from './vpc-stats.js';
import type { FlowEndReason, VpcStats } from './vpc-stats.js';

export interface MirrorReassemblerOptions {
  /** VXLAN network identifiers accepted (the mirror sessions' VNIs). Default: any. */
  vnis?: readonly number[];
  /**
   * The primary's side of each flow: a segment whose destination port is listed (and address is in
   * `serverCidrs`, when given) goes to the server. Unset: the SYN's sender is the client, else the
   * lower port is the server's.
   */
  serverPorts?: readonly number[];
  serverCidrs?: readonly string[];
  /** Body bytes kept per message (`tap.captureBodyBytes`). Default 1 MiB. */
  maxBodyBytes?: number;
  /** Bytes one flow may hold before its holes are given up, then the flow evicted. Default 4 MiB. */
  maxFlowBytes?: number;
  /** Bytes all flows may hold; beyond it the least recently active flows are evicted. Default 256 MiB. */
  maxTotalBytes?: number;
  /** Flows tracked at once; beyond it the least recently active is evicted. Default 65536. */
  maxFlows?: number;
  /** A flow with no packet for this long (packet time) is closed. Default 60000 ms. */
  idleTimeoutMs?: number;
  /** A hole in a stream is waited for this long before its bytes count as lost. Default 2000 ms. */
  holeWaitMs?: number;
}

/** A flow that is not HTTP (TLS, another protocol, upgraded): its packets are dropped unread. */
interface Ignored {
  ignored: true;
  lastSeenMs: number;
}

type Entry = HttpFlow | Ignored;

/**
 * AWS VPC Traffic Mirroring, decoded: VXLAN datagrams in (with the packet time they arrived),
 * HTTP exchanges out. Keeps a table of TCP flows, each reassembled in both directions and read as
 * HTTP/1.x; every byte it holds is counted against per-flow and total caps, so hostile or simply
 * heavy traffic costs evicted flows (counted), never unbounded memory. Pure: no sockets, no clock.
 */
export class MirrorReassembler {
  readonly stats: VpcStats = emptyVpcStats();
  private readonly flows = new Map<string, Entry>();
  /** Bytes each live flow held when last looked at; a flow is live while it is a key here. */
  private readonly held = new Map<HttpFlow, number>();
  private readonly midstream = new WeakSet<HttpFlow>();
  private heldTotal = 0;
  private out: Exchange[] = [];
  private readonly vnis: Set<number> | undefined;
  private readonly ports: Set<number> | undefined;
  private readonly cidrs: Cidr[];
  private readonly maxBodyBytes: number;
  private readonly maxFlowBytes: number;
  private readonly maxTotalBytes: number;
  private readonly maxFlows: number;
  private readonly idleTimeoutMs: number;
  private readonly holeWaitMs: number;

  constructor(options: MirrorReassemblerOptions = {}) {
    this.vnis = options.vnis?.length ? new Set(options.vnis) : undefined;
    this.ports = options.serverPorts?.length ? new Set(options.serverPorts) : undefined;
    this.cidrs = (options.serverCidrs ?? []).map(parseCidr);
    this.maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
    this.maxFlowBytes = options.maxFlowBytes ?? 4 * 1_048_576;
    this.maxTotalBytes = options.maxTotalBytes ?? 256 * 1_048_576;
    this.maxFlows = options.maxFlows ?? 65_536;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.holeWaitMs = options.holeWaitMs ?? 2_000;
  }

  /** Flows tracked, HTTP or ignored. */
  get flowCount(): number {
    return this.flows.size;
  }

  /** Bytes held across all flows (what `maxTotalBytes` bounds). */
  get bufferedBytes(): number {
    return this.heldTotal;
  }

  /** Recounts the bytes every flow holds (for tests of the accounting behind `bufferedBytes`). */
  recount(): number {
    let total = 0;
    for (const entry of this.flows.values())
      if (!('ignored' in entry)) total += entry.bufferedBytes;
    return total;
  }

  /** One mirrored datagram, received at `nowMs`; returns the exchanges it completed. */
  push(datagram: Uint8Array, nowMs: number): Exchange[] {
    this.stats.datagrams++;
    const decoded = decodeDatagram(datagram);
    if (!decoded.ok) {
      this.stats.skipped[decoded.reason]++;
      return this.take();
    }
    const seg = decoded.segment;
    if (this.vnis !== undefined && !this.vnis.has(seg.vni)) {
      this.stats.skipped['vni-filtered']++;
      return this.take();
    }
    this.stats.segments++;
    this.handle(seg, nowMs);
    return this.take();
  }

  /** Closes idle flows and gives up holes waited on too long; call about once a second. */
  sweep(nowMs: number): Exchange[] {
    for (const [key, entry] of this.flows) {
      if (nowMs - entry.lastSeenMs < this.idleTimeoutMs) break; // Map order = least recent first
      this.end(key, entry, 'idle', nowMs);
    }
    for (const entry of this.flows.values()) {
      if ('ignored' in entry) continue;
      for (const dir of [entry.toServer, entry.toClient]) {
        const since = dir.holeSince;
        if (since !== undefined && nowMs - since >= this.holeWaitMs) dir.skipHole(nowMs);
      }
      this.account(entry);
    }
    return this.take();
  }

  /** Ends every flow (shutdown): what can still be paired is returned, the rest counted. */
  close(nowMs: number): Exchange[] {
    for (const [key, entry] of this.flows) this.end(key, entry, 'idle', nowMs);
    return this.take();
  }

  private take(): Exchange[] {
    if (this.out.length === 0) return [];
    const out = this.out;
    this.out = [];
    return out;
  }

  private isServer(addr: Uint8Array, port: number): boolean {
    if (this.ports !== undefined && !this.ports.has(port)) return false;
    return this.cidrs.length === 0 || this.cidrs.some((c) => cidrContains(c, addr));
  }

  private handle(seg: TcpSegment, nowMs: number): void {
    const src = `${formatAddress(seg.srcAddr)}:${seg.srcPort}`;
    const dst = `${formatAddress(seg.dstAddr)}:${seg.dstPort}`;
    const syn = (seg.flags & TCP_FLAGS.syn) !== 0;
    const ack = (seg.flags & TCP_FLAGS.ack) !== 0;
    let key = `${seg.vni}/${src}/${dst}`;
    let entry = this.flows.get(key);
    let fromClient = true;
    if (entry === undefined) {
      const reverse = `${seg.vni}/${dst}/${src}`;
      entry = this.flows.get(reverse);
      if (entry !== undefined) {
        key = reverse;
        fromClient = false;
      }
    }
    // A new SYN on a tuple still tracked is a new connection (port reuse).
    if (entry !== undefined && syn && !ack && fromClient && !('ignored' in entry)) {
      if (entry.toServer.offset > 0) {
        this.end(key, entry, 'reused', nowMs);
        entry = undefined;
      }
    }
    if (entry === undefined) {
      if (!syn && seg.wireLength === 0) return; // a stray ACK/FIN/RST opens nothing
      const role = this.roleOf(seg, syn, ack);
      if (role === undefined) {
        this.stats.skipped['flow-filtered']++;
        return;
      }
      fromClient = role === 'client';
      const id: FlowId = fromClient
        ? {
            vni: seg.vni,
            client: endpoint(seg.srcAddr, seg.srcPort),
            server: endpoint(seg.dstAddr, seg.dstPort),
          }
        : {
            vni: seg.vni,
            client: endpoint(seg.dstAddr, seg.dstPort),
            server: endpoint(seg.srcAddr, seg.srcPort),
          };
      key = fromClient ? `${seg.vni}/${src}/${dst}` : `${seg.vni}/${dst}/${src}`;
      entry = this.open(key, id, nowMs);
    }
    // Move to the back: Map order is least recently active first.
    this.flows.delete(key);
    this.flows.set(key, entry);
    entry.lastSeenMs = nowMs;
    if ('ignored' in entry) return;

    const flow = entry;
    const dir = fromClient ? flow.toServer : flow.toClient;
    if ((seg.flags & TCP_FLAGS.rst) !== 0) return this.end(key, flow, 'rst', nowMs);
    if (syn) dir.syn(seg.seq);
    else {
      dir.segment(seg.seq, seg.payload, seg.wireLength, (seg.flags & TCP_FLAGS.fin) !== 0, nowMs);
      if (dir.midstream && fromClient && !this.midstream.has(flow)) {
        this.midstream.add(flow);
        this.stats.midstreamFlows++;
      }
    }
    if (this.flows.get(key) !== flow) return; // a stream died and the flow was dropped
    if (flow.isFinished) return this.end(key, flow, 'fin', nowMs);
    this.enforceCaps(key, flow, nowMs);
  }

  private roleOf(seg: TcpSegment, syn: boolean, ack: boolean): 'client' | 'server' | undefined {
    if (this.ports !== undefined || this.cidrs.length > 0) {
      const toServer = this.isServer(seg.dstAddr, seg.dstPort);
      const fromServer = this.isServer(seg.srcAddr, seg.srcPort);
      if (toServer !== fromServer) return toServer ? 'client' : 'server';
      if (!toServer) return undefined;
    }
    if (syn) return ack ? 'server' : 'client';
    const p = seg.payload;
    // "HTTP/" from this side: it is the server answering.
    if (p.length >= 5 && p[0] === 0x48 && p[1] === 0x54 && p[2] === 0x54 && p[3] === 0x50) {
      return 'server';
    }
    return seg.srcPort < seg.dstPort ? 'server' : 'client';
  }

  private open(key: string, id: FlowId, nowMs: number): HttpFlow {
    this.stats.flowsOpened++;
    let deadCounted = false;
    const flow: HttpFlow = new HttpFlow(
      id,
      {
        exchange: (exchange) => {
          this.stats.exchanges[exchange.incomplete ?? 'complete']++;
          this.out.push(exchange);
        },
        unpaired: (reason) => this.stats.unpaired[reason]++,
        dead: (reason) => {
          if (!deadCounted) this.stats.notHttp[reason]++;
          deadCounted = true;
          // Not HTTP at all (or no longer): forget the bytes, keep a tombstone so the flow's
          // remaining packets are dropped unread instead of opening it again.
          if (reason === 'tls' || reason === 'not-http' || reason === 'upgraded') {
            this.unaccount(flow);
            this.flows.set(key, { ignored: true, lastSeenMs: flow.lastSeenMs });
          }
        },
      },
      this.stats,
      { maxBodyBytes: this.maxBodyBytes },
      nowMs,
    );
    this.flows.set(key, flow);
    this.held.set(flow, 0);
    while (this.flows.size > this.maxFlows) {
      const [oldKey, oldest] = this.flows.entries().next().value as [string, Entry];
      this.end(oldKey, oldest, 'max-flows', nowMs);
    }
    return flow;
  }

  private enforceCaps(key: string, flow: HttpFlow, nowMs: number): void {
    while (flow.bufferedBytes > this.maxFlowBytes) {
      if (!flow.toServer.skipHole(nowMs) && !flow.toClient.skipHole(nowMs)) break;
    }
    if (flow.bufferedBytes > this.maxFlowBytes) return this.end(key, flow, 'flow-cap', nowMs);
    this.account(flow);
    for (const [oldKey, oldest] of this.flows) {
      if (this.heldTotal <= this.maxTotalBytes) break;
      this.end(oldKey, oldest, 'total-cap', nowMs);
    }
  }

  private account(flow: HttpFlow): void {
    if (!this.held.has(flow)) return;
    const now = flow.bufferedBytes;
    this.heldTotal += now - (this.held.get(flow) ?? 0);
    this.held.set(flow, now);
  }

  private unaccount(flow: HttpFlow): void {
    this.heldTotal -= this.held.get(flow) ?? 0;
    this.held.delete(flow);
  }

  private end(key: string, entry: Entry, reason: FlowEndReason, nowMs: number): void {
    this.flows.delete(key);
    if ('ignored' in entry) return;
    this.stats.flowsEnded[reason]++;
    entry.close(nowMs);
    this.unaccount(entry);
  }
}

function endpoint(addr: Uint8Array, port: number): { addr: string; port: number } {
  return { addr: formatAddress(addr), port };
}
