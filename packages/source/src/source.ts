import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Meter } from '@opentelemetry/api';
import type { Role, ShadowdiffConfig, TapConfig } from '@shadowdiff/contracts';
import { compileRules } from '@shadowdiff/engine';
import type { RecordPublisher } from '@shadowdiff/engine';
import { compileMirrorPolicy } from './mirror-policy.js';
import type { MirrorDecision, RequestFacts } from './mirror-policy.js';
import { RecordBuffer } from './record-buffer.js';
import { RecordLimit } from './record-fit.js';
import { Recorder } from './recorder.js';
import { createRedactor } from './redaction.js';
import type { Redactor } from './redaction.js';
import { SelfCheckSender } from './self-check.js';
import { ShadowTarget } from './shadow.js';
import { SkipCensus } from './skip-census.js';
import { createTapMetrics } from './tap-metrics.js';
import type { TapMetrics } from './tap-metrics.js';
import { createUpstream } from './upstream.js';

export interface CreateSourceOptions {
  /** The validated shared config: `tap.*` (policy, redaction, buffer), `service`, `kafka`. */
  config: ShadowdiffConfig;
  /** Where records go: the Kafka publisher in a fleet, an in-memory one when embedded. */
  publisher: RecordPublisher;
  /** OTel meter for the source's metrics (`shadow.tap.*`). */
  meter: Meter;
  /** `meta.mode` of every record: `mirror` when this source sends the shadow copies itself. */
  mode: 'sidecar' | 'mirror';
  /** The role the observed service is recorded as. */
  role: Role;
  /** Where mirrored copies go (mirror mode). Default none: nothing is mirrored. */
  shadowUrl?: string | undefined;
  /** Where self-check copies go (`tap.selfCheck`); default none: no self-check. */
  secondaryUrl?: string | undefined;
  /** `tapId` of every record. Default `tap.tapId`, else `hostname:pid`. */
  tapId?: string | undefined;
  /** Facts stamped on every record's meta (source version, config hash). */
  facts: Record<string, string>;
  /** Count requests served without mirroring per route (census records). */
  census: boolean;
  /**
   * Per-deployment HMAC key for redaction. Default: the env var named by `tap.redact.keyEnv`, else
   * a random key for this process (and, with `warnRandomKey`, a log line saying so).
   */
  redactKey?: Uint8Array | undefined;
  /** Environment to read the key from. Default process.env. */
  env?: NodeJS.ProcessEnv | undefined;
  /** Say so when redaction falls back to a random key (sources whose records pair with another's). */
  warnRandomKey: boolean;
  /** Operational log lines (rate-limited delivery trouble). */
  log: (line: string) => void;
  /** The largest record sent. Default: `kafka.maxMessageBytes`. */
  recordLimit?: RecordLimit | undefined;
}

/**
 * The parts every source of TapRecords is built from, wired from the config once: metrics,
 * redaction, the record buffer in front of the publisher, the recorder, the mirror policy (with the
 * skip census), and in mirror mode the bounded shadow target and the self-check sender.
 */
export interface Source {
  readonly mode: 'sidecar' | 'mirror';
  readonly role: Role;
  readonly tap: TapConfig;
  readonly metrics: TapMetrics;
  readonly redactor: Redactor;
  readonly buffer: RecordBuffer;
  readonly recorder: Recorder;
  readonly shadow: ShadowTarget | undefined;
  readonly selfCheck: SelfCheckSender | undefined;
  readonly census: SkipCensus | undefined;
  /** The mirror policy (skips counted in the census when there is one). */
  readonly decide: (facts: RequestFacts) => MirrorDecision;
  /** Mirrored and self-check copies in flight. */
  copiesInFlight(): number;
  /** Starts the census timer. */
  start(): void;
  /**
   * Publishes the census, flushes the buffer until `deadline` (epoch ms; the rest is dropped and
   * counted), then closes the copies' connection pools. Does not close the publisher.
   */
  close(deadline: number): Promise<void>;
}

/** The redaction key: given, from the env var `tap.redact.keyEnv` names, or random. */
export function resolveRedactKey(
  tap: TapConfig,
  given: Uint8Array | undefined,
  env: NodeJS.ProcessEnv,
  warn: ((line: string) => void) | undefined,
): Uint8Array {
  if (given !== undefined) return given;
  const fromEnv = env[tap.redact.keyEnv];
  if (fromEnv !== undefined && fromEnv !== '') return Buffer.from(fromEnv, 'utf8');
  warn?.(
    `tap: ${tap.redact.keyEnv} is not set; redaction uses a random key for this process. ` +
      'Taps whose records pair up (two sidecars) need the same key: set it to a shared secret.',
  );
  return randomBytes(32);
}

/** This process in records when `tap.tapId` does not say: `hostname:pid`. */
export function defaultTapId(): string {
  return `${hostname()}:${process.pid}`;
}

export function createSource(options: CreateSourceOptions): Source {
  const { config, publisher, meter, mode, role, log } = options;
  const tap = config.tap;
  const tapId = options.tapId ?? tap.tapId ?? defaultTapId();
  const metrics = createTapMetrics(meter, config.service);
  const key = resolveRedactKey(
    tap,
    options.redactKey,
    options.env ?? process.env,
    options.warnRandomKey ? log : undefined,
  );
  const redactor = createRedactor({
    key,
    headers: tap.redact.headers,
    jsonPaths: tap.redact.jsonPaths,
  });
  const buffer = new RecordBuffer({
    publisher,
    topic: config.kafka.topics.taps,
    maxRecords: tap.buffer.maxRecords,
    maxBytes: tap.buffer.maxBytes,
    lingerMs: tap.buffer.lingerMs,
    maxBatchBytes: tap.buffer.maxBatchBytes,
    maxBatchRecords: tap.buffer.maxBatchRecords,
    metrics,
    log,
  });
  metrics.observeBuffer(() => buffer.stats());
  const recordLimit = options.recordLimit ?? new RecordLimit(config.kafka.maxMessageBytes);
  buffer.limitBatchBytes(recordLimit.bytes);
  recordLimit.onChange((bytes) => buffer.limitBatchBytes(bytes));
  const recorder = new Recorder({
    service: config.service,
    tapId,
    mode,
    captureBodyBytes: tap.captureBodyBytes,
    maxRecordBytes: () => recordLimit.bytes,
    redactor,
    buffer,
    facts: options.facts,
  });

  const copyTarget = (
    url: string,
    bound: { timeoutMs: number; maxInFlight: number; maxBodyBytes: number },
    copyRole: 'shadow' | 'secondary',
  ): ShadowTarget =>
    new ShadowTarget(
      // The in-flight bound caps the target's sockets too: the pool never queues.
      createUpstream(url, { maxSockets: bound.maxInFlight }),
      {
        ...bound,
        markerHeader: tap.mirror.markerHeader,
        captureBodyBytes: tap.captureBodyBytes,
        metrics,
        downAfterRefusals: tap.mirror.downAfterRefusals,
        downCooldownMs: tap.mirror.downCooldownMs,
        role: copyRole,
      },
    );
  const shadow =
    options.shadowUrl === undefined
      ? undefined
      : copyTarget(
          options.shadowUrl,
          {
            timeoutMs: tap.mirror.timeoutMs,
            maxInFlight: tap.mirror.maxInFlight,
            maxBodyBytes: tap.mirror.maxBodyBytes,
          },
          'shadow',
        );

  const rules = compileRules(config.rules);
  // Self-check: the primary (or tap.secondary) asked a second time, bounded like the shadow.
  const selfCheck =
    shadow === undefined || !tap.selfCheck.enabled || options.secondaryUrl === undefined
      ? undefined
      : new SelfCheckSender(
          copyTarget(
            options.secondaryUrl,
            {
              timeoutMs: tap.selfCheck.timeoutMs,
              maxInFlight: tap.selfCheck.maxInFlight,
              maxBodyBytes: 0,
            },
            'secondary',
          ),
          {
            firstPerRoute: tap.selfCheck.firstPerRoute,
            percent: tap.selfCheck.percent,
            maxRoutes: tap.selfCheck.maxRoutes,
            rules,
            metrics,
          },
        );
  const census = options.census
    ? new SkipCensus({
        service: config.service,
        tapId,
        mode,
        rules,
        offer: (k, bytes) => buffer.offer(k, bytes),
      })
    : undefined;
  const policy = compileMirrorPolicy(tap.mirror);

  return {
    mode,
    role,
    tap,
    metrics,
    redactor,
    buffer,
    recorder,
    shadow,
    selfCheck,
    census,
    decide: census ? census.wrap(policy) : policy,
    copiesInFlight: () => (shadow?.active ?? 0) + (selfCheck?.target.active ?? 0),
    start: () => census?.start(),
    async close(deadline) {
      census?.stop();
      await buffer.close(deadline);
      await Promise.all([shadow?.upstream.close(), selfCheck?.target.upstream.close()]);
      shadow?.deadlines.close();
      selfCheck?.target.deadlines.close();
    },
  };
}
