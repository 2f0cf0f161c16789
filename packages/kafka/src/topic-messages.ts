import type { OutboundMessage } from '@shadowdiff/engine';
import type { Message, TopicMessages } from 'kafkajs';

/** Groups outbound messages by topic for `sendBatch`, values as Buffers without copying. */
export function toTopicMessages(messages: OutboundMessage[]): TopicMessages[] {
  const topics = new Map<string, Message[]>();
  for (const m of messages) {
    let list = topics.get(m.topic);
    if (!list) topics.set(m.topic, (list = []));
    list.push({
      key: m.key,
      value: Buffer.isBuffer(m.value)
        ? m.value
        : Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength),
      ...(m.headers ? { headers: m.headers } : {}),
    });
  }
  return [...topics].map(([topic, list]) => ({ topic, messages: list }));
}
