import { z } from 'zod';
import { TOPICS } from '../topics.js';
import { kafkaSaslSchema, tlsConfigSchema } from './connection.js';

export const kafkaConfigSchema = z
  .object({
    /** Bootstrap brokers. Default: `$KAFKA_BROKERS` or 127.0.0.1:19092 (infra/local/kafka.sh). */
    brokers: z.array(z.string().min(1)).min(1).default(['127.0.0.1:19092']),
    /** Client id prefix; each service appends its own name. Default `shadowdiff`. */
    clientId: z.string().default('shadowdiff'),
    /**
     * The largest record (and batch) the producers send, bytes. A record that would be larger has
     * its bodies cut to fit (flagged truncated, `meta.cutToFit`) instead of failing at produce; the
     * tap also lowers it to the taps topic's `max.message.bytes`, read from the broker at start-up.
     * Default 1 000 000, under the broker's default `message.max.bytes` (1 048 588).
     */
    maxMessageBytes: z.number().int().min(16_384).default(1_000_000),
    /** TLS to the brokers (`true`, or CA / client certificate files). Default: plaintext. */
    ssl: tlsConfigSchema.optional(),
    /** SASL authentication (SCRAM or PLAIN); the password from an env variable or a file. */
    sasl: kafkaSaslSchema.optional(),
    /** Topic names; change them to run several experiments on one cluster. */
    topics: z
      .object({
        /** TapRecords from the taps (key: trace id). */
        taps: z.string().default(TOPICS.taps),
        /** Verdicts from the workers (key: route). */
        verdicts: z.string().default(TOPICS.verdicts),
        /** Input the workers could not decode, with the reason. */
        dlq: z.string().default(TOPICS.dlq),
      })
      .strict()
      .default({}),
  })
  .strict();

export type KafkaConfig = z.infer<typeof kafkaConfigSchema>;
