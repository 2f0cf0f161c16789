import { z } from 'zod';

/**
 * TLS towards Kafka or Redis. `true` uses the system's trusted CAs; an object names PEM files
 * (paths, read at start-up by `@shadowdiff/connect`, never embedded in the config).
 */
export const tlsConfigSchema = z.union([
  z.boolean(),
  z
    .object({
      /** PEM file of the CA(s) that signed the server's certificate. Default: system CAs. */
      caFile: z.string().min(1).optional(),
      /** PEM client certificate, for mutual TLS (with `keyFile`). */
      certFile: z.string().min(1).optional(),
      /** PEM private key of `certFile`. */
      keyFile: z.string().min(1).optional(),
      /** Name checked against the server's certificate, when it differs from the host dialled. */
      servername: z.string().min(1).optional(),
      /** Verify the server's certificate. Default true; false only for a lab. */
      rejectUnauthorized: z.boolean().default(true),
    })
    .strict()
    .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), {
      message: 'certFile and keyFile go together (mutual TLS needs both)',
    }),
]);

const oneSecretSource = (s: { passwordEnv?: string; passwordFile?: string }) =>
  s.passwordEnv === undefined || s.passwordFile === undefined;

/**
 * Secrets come from an environment variable or a file (its content, trailing newline dropped),
 * never from the config file itself, so the file can be committed and printed.
 */
export const kafkaSaslSchema = z
  .object({
    /** SASL mechanism: `scram-sha-512`, `scram-sha-256`, or `plain` (MSK-style setups). */
    mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
    /** SASL user name. */
    username: z.string().min(1),
    /** Name of the environment variable holding the password. */
    passwordEnv: z.string().min(1).optional(),
    /** File holding the password (e.g. a mounted Kubernetes secret). */
    passwordFile: z.string().min(1).optional(),
  })
  .strict()
  .refine(oneSecretSource, { message: 'give passwordEnv or passwordFile, not both' })
  .refine((s) => s.passwordEnv !== undefined || s.passwordFile !== undefined, {
    message: 'SASL needs a password: set passwordEnv (a variable name) or passwordFile (a path)',
  });

/** Redis ACL credentials (AUTH username password); a password alone is the `default` user. */
export const redisAuthSchema = z
  .object({
    /** ACL user. Default: Redis's `default` user. */
    username: z.string().min(1).optional(),
    /** Name of the environment variable holding the password. */
    passwordEnv: z.string().min(1).optional(),
    /** File holding the password (e.g. a mounted Kubernetes secret). */
    passwordFile: z.string().min(1).optional(),
  })
  .strict()
  .refine(oneSecretSource, { message: 'give passwordEnv or passwordFile, not both' });

export type TlsConfig = z.infer<typeof tlsConfigSchema>;
export type KafkaSaslConfig = z.infer<typeof kafkaSaslSchema>;
export type RedisAuthConfig = z.infer<typeof redisAuthSchema>;
