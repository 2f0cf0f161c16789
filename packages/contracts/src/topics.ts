/** v1 topic names: a public contract (dashboards, other teams' consumers). */
export const TOPICS = {
  /** TapRecord values, key = trace id, so both halves of a pair land on one partition. */
  taps: 'shadowdiff.taps',
  /** Verdict values, key = templated route. */
  verdicts: 'shadowdiff.verdicts',
  /** Undecodable input, original bytes kept, reason in headers. */
  dlq: 'shadowdiff.dlq',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** Headers the worker sets on a DLQ message. */
export const DLQ_HEADERS = {
  code: 'shadowdiff-error-code',
  reason: 'shadowdiff-error-reason',
  sourceTopic: 'shadowdiff-source-topic',
  sourcePartition: 'shadowdiff-source-partition',
  sourceOffset: 'shadowdiff-source-offset',
} as const;
