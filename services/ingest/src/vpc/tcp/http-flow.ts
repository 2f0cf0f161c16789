import type { ParsedRequest, ParsedResponse } from '../../http/parse-http-message.js';
import { HttpStream } from '../http/http-stream.js';
import type { DeadReason, FramedMessage, IncompleteReason } from '../http/http-stream.js';
import { TcpDirection } from './tcp-direction.js';
import type { DirectionCounters } from './tcp-direction.js';

export interface Endpoint {
  addr: string;
  port: number;
}

export interface FlowId {
  vni: number;
  client: Endpoint;
  server: Endpoint;
}

/** One request with the response the server gave it, as seen on the wire. */
export interface Exchange {
  flow: FlowId;
  request: ParsedRequest;
  response: ParsedResponse;
  /** Packet time of the request's first byte. */
  startedAtMs: number;
  /** Packet time of the response's last byte. */
  endedAtMs: number;
  /** Set when bytes of the request or response were never seen: not to be judged as drift. */
  incomplete?: IncompleteReason;
  /** The request itself lacks bytes: it cannot be replayed as it was sent. */
  requestIncomplete?: IncompleteReason;
  /** 1xx interim responses sent before the final one (100 Continue). */
  interim?: number[];
}

/** Exchanges that produced no record, by reason. */
export type UnpairedReason = 'no-response' | 'response-without-request';

export interface FlowEvents {
  exchange(exchange: Exchange): void;
  unpaired(reason: UnpairedReason): void;
  /** A direction stopped being HTTP (counted once per flow and reason by the caller). */
  dead(reason: DeadReason): void;
}

export interface HttpFlowOptions {
  maxBodyBytes: number;
  maxHeadBytes?: number;
}

/**
 * One mirrored TCP connection read as HTTP/1.x: each direction is reassembled, framed into
 * messages, and responses are paired with requests in order (HTTP/1.1 answers pipelined requests
 * in the order they were sent). Interim 1xx responses are noted on the exchange, not paired.
 */
export class HttpFlow {
  readonly toServer: TcpDirection;
  readonly toClient: TcpDirection;
  private readonly requests: HttpStream<ParsedRequest>;
  private readonly responses: HttpStream<ParsedResponse>;
  private readonly waiting: FramedMessage<ParsedRequest>[] = [];
  /** Responses complete before their request was (a server may answer before the body ends). */
  private readonly early: FramedMessage<ParsedResponse>[] = [];
  private interim: number[] = [];
  private closed = false;
  lastSeenMs: number;

  constructor(
    readonly id: FlowId,
    private readonly events: FlowEvents,
    counters: DirectionCounters,
    options: HttpFlowOptions,
    nowMs: number,
  ) {
    this.lastSeenMs = nowMs;
    const streamOptions = {
      maxBodyBytes: options.maxBodyBytes,
      ...(options.maxHeadBytes !== undefined ? { maxHeadBytes: options.maxHeadBytes } : {}),
    };
    this.requests = new HttpStream<ParsedRequest>(
      'request',
      {
        message: (m) => {
          this.waiting.push(m);
          const early = this.early.shift();
          if (early !== undefined) this.answer(early);
          this.responses.resume(m.endedAtMs);
        },
        dead: (reason) => {
          this.events.dead(reason);
          this.responses.resume(this.lastSeenMs);
        },
      },
      streamOptions,
    );
    this.responses = new HttpStream<ParsedResponse>(
      'response',
      {
        message: (m) => this.answer(m),
        dead: (reason) => this.events.dead(reason),
        interim: (status) => this.interim.push(status),
      },
      streamOptions,
      // A response head waits for its request while the request may still come (bounded by the
      // flow's byte cap); then it is read without one and counted as unpaired.
      () =>
        this.waiting[0]?.message.method ??
        this.requests.current?.method ??
        (this.requests.isDead ? undefined : null),
    );
    this.toServer = new TcpDirection(
      {
        data: (bytes, now) => this.requests.push(bytes, now),
        gap: (length, reason, now) => this.requests.gap(length, reason, now),
      },
      counters,
    );
    this.toClient = new TcpDirection(
      {
        data: (bytes, now) => this.responses.push(bytes, now),
        gap: (length, reason, now) => this.responses.gap(length, reason, now),
      },
      counters,
    );
  }

  /** Bytes this flow holds: out-of-order segments, unfinished heads, kept bodies, queued requests. */
  get bufferedBytes(): number {
    let queued = 0;
    for (const r of this.waiting) queued += r.message.body.length;
    for (const r of this.early) queued += r.message.body.length;
    return (
      this.toServer.bufferedBytes +
      this.toClient.bufferedBytes +
      this.requests.bufferedBytes +
      this.responses.bufferedBytes +
      queued
    );
  }

  /** Both directions stopped being HTTP: nothing more can come of this flow. */
  get isDead(): boolean {
    return this.requests.isDead && this.responses.isDead;
  }

  /** Both directions finished (FIN seen and every byte before it accounted for). */
  get isFinished(): boolean {
    return this.toServer.finished && this.toClient.finished;
  }

  /** Ends the flow: holes are given up, both streams end, unanswered requests are counted. */
  close(nowMs: number): void {
    if (this.closed) return;
    this.closed = true;
    this.toServer.flush(nowMs);
    this.toClient.flush(nowMs);
    this.requests.end(nowMs);
    this.responses.resume(nowMs);
    this.responses.end(nowMs);
    for (let i = 0; i < this.waiting.length; i++) this.events.unpaired('no-response');
    for (let i = 0; i < this.early.length; i++) this.events.unpaired('response-without-request');
    this.waiting.length = 0;
    this.early.length = 0;
  }

  private answer(response: FramedMessage<ParsedResponse>): void {
    if (this.waiting.length === 0 && this.requests.current !== undefined) {
      this.early.push(response);
      return;
    }
    const request = this.waiting.shift();
    const interim = this.interim;
    this.interim = [];
    if (request === undefined) {
      this.events.unpaired('response-without-request');
      return;
    }
    const exchange: Exchange = {
      flow: this.id,
      request: request.message,
      response: response.message,
      startedAtMs: request.startedAtMs,
      endedAtMs: response.endedAtMs,
    };
    const incomplete = request.incomplete ?? response.incomplete;
    if (incomplete !== undefined) exchange.incomplete = incomplete;
    if (request.incomplete !== undefined) exchange.requestIncomplete = request.incomplete;
    if (interim.length > 0) exchange.interim = interim;
    this.events.exchange(exchange);
  }
}
