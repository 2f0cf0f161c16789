import type { SourceMessage } from '@shadowdiff/engine';
import type { IHeaders, KafkaMessage } from 'kafkajs';

/** kafkajs headers (Buffer | string | arrays) as plain strings; repeated values joined with ",". */
export function headersToStrings(
  headers: IHeaders | undefined,
): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  let out: Record<string, string> | undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out ??= {};
    out[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return out;
}

/** A kafkajs message as the port's SourceMessage. The value Buffer is passed on without copying. */
export function toSourceMessage(
  topic: string,
  partition: number,
  message: KafkaMessage,
): SourceMessage {
  const headers = headersToStrings(message.headers);
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value,
    timestamp: Number(message.timestamp),
    ...(headers ? { headers } : {}),
  };
}
