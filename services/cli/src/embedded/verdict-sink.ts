import type { OutboundMessage, RecordPublisher } from '@shadowdiff/engine';

/**
 * The embedded worker's publisher: nothing reads its verdicts from a topic in one process, so they
 * are handed to `onVerdict` (encoded Verdict v1 JSON, as a fleet would publish them) and dropped
 * rather than retained on the memory bus, which keeps memory flat however long the run. Without
 * `onVerdict` (no `--verdicts-out`) it says it discards them, and the worker does not encode them.
 */
export function verdictSink(
  verdictTopic: string,
  onVerdict?: (value: Uint8Array) => void,
  onOther: (message: OutboundMessage) => void = () => {},
): RecordPublisher {
  return {
    copiesValues: true,
    discards: (topic) => topic === verdictTopic && onVerdict === undefined,
    publish(messages) {
      for (const message of messages) {
        if (message.topic === verdictTopic) onVerdict?.(message.value);
        else onOther(message);
      }
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
