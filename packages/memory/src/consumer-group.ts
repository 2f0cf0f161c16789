import type { PartitionLog } from './partition-log.js';

/**
 * A consumer group on one topic: committed offsets per partition, the members sharing the
 * partitions (partition p goes to member p mod n, in join order), and a wake-up signal for members
 * idling on an empty assignment.
 */
export class ConsumerGroup {
  readonly partitions: readonly PartitionLog[];
  readonly #committed: number[];
  readonly #members: object[] = [];
  #waiters: (() => void)[] = [];

  constructor(partitions: readonly PartitionLog[]) {
    this.partitions = partitions;
    // A new group starts at the oldest retained message (`committed` clamps to the log start).
    this.#committed = partitions.map(() => 0);
  }

  join(member: object): void {
    if (!this.#members.includes(member)) this.#members.push(member);
    this.wake();
  }

  leave(member: object): void {
    const index = this.#members.indexOf(member);
    if (index >= 0) this.#members.splice(index, 1);
    // The others pick up the partitions it held from their committed offsets.
    this.wake();
  }

  /** Partitions currently assigned to `member` (empty when it is not a member). */
  assignedTo(member: object): number[] {
    const index = this.#members.indexOf(member);
    if (index < 0) return [];
    const out: number[] = [];
    for (let p = index; p < this.partitions.length; p += this.#members.length) out.push(p);
    return out;
  }

  /** Next offset the group reads from partition `p`. */
  committed(partition: number): number {
    return Math.max(this.#committed[partition] ?? 0, this.partitions[partition]?.start ?? 0);
  }

  /** Moves the partition's offset forward to `next` (never back: a slow ex-owner can't rewind). */
  commit(partition: number, next: number): void {
    this.#committed[partition] = Math.max(this.committed(partition), next);
  }

  /** Resolves on the next `wake` (a publish, a join or leave). */
  wait(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}
