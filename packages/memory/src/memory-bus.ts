import type { Clock, RecordPublisher, RecordSource, SourceMessage } from '@shadowdiff/engine';
import { ConsumerGroup } from './consumer-group.js';
import { MemorySource } from './memory-source.js';
import type { MemorySourceOptions } from './memory-source.js';
import { PartitionLog } from './partition-log.js';
import { systemClock } from './system-clock.js';

export interface MemoryBusOptions {
  /** Partitions per topic (topics are created on first use). Default 6, like the Kafka topics. */
  partitions?: number;
  /** Source of message timestamps. Default: `Date.now`. */
  clock?: Clock;
  /**
   * Most messages kept per partition. Messages every group has committed are dropped at once; past
   * this cap the oldest go even if a group lags (like Kafka retention: the group skips ahead), so
   * memory stays bounded when nobody reads a topic. Default 100 000.
   */
  retainPerPartition?: number;
}

/** One topic: a fixed set of partition logs and the consumer groups reading them. */
export interface BusTopic {
  readonly name: string;
  readonly partitions: PartitionLog[];
  readonly groups: Map<string, ConsumerGroup>;
}

/**
 * The embedded message bus: Kafka's model in one process. Messages are partitioned by key hash (the
 * same key always lands on the same partition, in order), each consumer group keeps its own
 * offsets, and a group's members share the partitions. At-least-once: a batch's offsets advance
 * only when the handler resolved, so a failed batch is delivered again.
 */
export class MemoryBus {
  readonly #partitions: number;
  readonly #clock: Clock;
  readonly #retain: number;
  readonly #topics = new Map<string, BusTopic>();
  #roundRobin = 0;

  constructor(options: MemoryBusOptions = {}) {
    this.#partitions = options.partitions ?? 6;
    this.#clock = options.clock ?? systemClock;
    this.#retain = options.retainPerPartition ?? 100_000;
  }

  /** A publisher; `publish` resolves once every message is appended (and consumers woken). */
  publisher(): RecordPublisher {
    let closed = false;
    return {
      publish: (messages) => {
        if (closed) return Promise.reject(new Error('MemoryBus publisher is closed'));
        const touched = new Set<BusTopic>();
        for (const message of messages) {
          const topic = this.topic(message.topic);
          const partition = this.#partitionOf(message.key, topic.partitions.length);
          const log = topic.partitions[partition]!;
          log.append({
            topic: topic.name,
            partition,
            key: message.key,
            value: message.value,
            timestamp: this.#clock.now(),
            ...(message.headers ? { headers: { ...message.headers } } : {}),
          });
          touched.add(topic);
        }
        for (const topic of touched) this.#afterAppend(topic);
        return Promise.resolve();
      },
      close: () => {
        closed = true;
        return Promise.resolve();
      },
    };
  }

  /** A member of consumer group `group` on `topic`; several members of one group share partitions. */
  source(topic: string, group: string, options: MemorySourceOptions = {}): RecordSource {
    const busTopic = this.topic(topic);
    let consumerGroup = busTopic.groups.get(group);
    if (consumerGroup === undefined) {
      consumerGroup = new ConsumerGroup(busTopic.partitions);
      busTopic.groups.set(group, consumerGroup);
    }
    return new MemorySource(consumerGroup, () => this.#trim(busTopic), options);
  }

  /** Every message currently retained on a topic, partition by partition (for tests and tools). */
  retained(topic: string): SourceMessage[] {
    return this.topic(topic).partitions.flatMap((log) => log.read(log.start, log.end));
  }

  /** @internal The topic, created with the configured partition count on first use. */
  topic(name: string): BusTopic {
    let topic = this.#topics.get(name);
    if (topic === undefined) {
      topic = {
        name,
        partitions: Array.from({ length: this.#partitions }, () => new PartitionLog()),
        groups: new Map(),
      };
      this.#topics.set(name, topic);
    }
    return topic;
  }

  #afterAppend(topic: BusTopic): void {
    for (const log of topic.partitions) {
      if (log.end - log.start > this.#retain) log.dropBefore(log.end - this.#retain);
    }
    for (const group of topic.groups.values()) group.wake();
  }

  /** Drops what every group has committed; nothing while no group reads the topic. */
  #trim(topic: BusTopic): void {
    if (topic.groups.size === 0) return;
    topic.partitions.forEach((log, partition) => {
      let min = log.end;
      for (const group of topic.groups.values()) min = Math.min(min, group.committed(partition));
      log.dropBefore(min);
    });
  }

  #partitionOf(key: string | null, partitions: number): number {
    if (key === null) return this.#roundRobin++ % partitions;
    return fnv1a(key) % partitions;
  }
}

/** FNV-1a over UTF-16 code units: cheap, stable across runs, well spread for trace ids. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
