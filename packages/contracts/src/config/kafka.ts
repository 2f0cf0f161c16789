import { z } from 'zod';
import { TOPICS } from '../topics.js';

export const kafkaConfigSchema = z
  .object({
    /** Bootstrap brokers. Default: `$KAFKA_BROKERS` or 127.0.0.1:19092 (infra/local/kafka.sh). */
    brokers: z.array(z.string().min(1)).min(1).default(['127.0.0.1:19092']),
    /** Client id prefix; each service appends its own name. Default `shadowdiff`. */
    clientId: z.string().default('shadowdiff'),
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
