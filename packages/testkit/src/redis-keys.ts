import { Redis } from 'ioredis';

/** Deletes every key under `prefix` with `client` (SCAN + UNLINK; never FLUSHALL: Redis is shared). */
export async function deleteKeysByPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) await client.unlink(...found);
  } while (cursor !== '0');
}

/** {@link deleteKeysByPrefix} on a connection of its own to `url`. */
export async function dropKeysAt(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    await deleteKeysByPrefix(client, prefix);
  } finally {
    client.disconnect();
  }
}
