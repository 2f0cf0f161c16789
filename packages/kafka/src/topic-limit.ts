import kafkajs from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import type { ConfigResourceTypes as ConfigResourceType } from 'kafkajs';
import type { KafkaClientSecurity } from './publisher-options.js';

/**
 * The topic's effective `max.message.bytes` (its own override, else the broker's
 * `message.max.bytes`), or undefined when the broker cannot be asked right now. One short-lived
 * admin connection; the caller retries.
 */
export async function topicMaxMessageBytes(options: {
  brokers: string[];
  topic: string;
  security?: KafkaClientSecurity;
  timeoutMs?: number;
}): Promise<number | undefined> {
  const admin = new Kafka({
    brokers: options.brokers,
    ...options.security,
    clientId: 'shadowdiff-topic-limit',
    connectionTimeout: options.timeoutMs ?? 3_000,
    requestTimeout: options.timeoutMs ?? 3_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  // kafkajs is CommonJS and Node's ESM loader does not see this one as a named export.
  const topicType: ConfigResourceType = kafkajs.ConfigResourceTypes.TOPIC;
  try {
    await admin.connect();
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: topicType,
          name: options.topic,
          configNames: ['max.message.bytes'],
        },
      ],
    });
    const entry = described.resources[0]?.configEntries.find(
      (e) => e.configName === 'max.message.bytes',
    );
    const value = Number(entry?.configValue);
    return Number.isInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
