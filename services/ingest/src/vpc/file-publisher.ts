import { createWriteStream } from 'node:fs';
import { decodeTapRecord } from '@shadowdiff/contracts';
import type { OutboundMessage, RecordPublisher } from '@shadowdiff/engine';

/**
 * Writes every record it is given as one JSON line (bodies base64) to a file, then hands the batch
 * on to `next` when there is one: `--records-out` shows what a mirror session yields before (or
 * while) anything is judged.
 */
export function fileRecordTee(path: string, next: RecordPublisher | undefined): RecordPublisher {
  const out = createWriteStream(path, { flags: 'a' });
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  return {
    async publish(messages: OutboundMessage[]): Promise<void> {
      const lines: string[] = [];
      for (const m of messages) {
        const decoded = decodeTapRecord(m.value);
        if (!decoded.ok) continue; // census and other non-record messages
        const r = decoded.value;
        lines.push(
          JSON.stringify({
            ...r,
            request: { ...r.request, body: b64(r.request.body) },
            ...(r.response ? { response: { ...r.response, body: b64(r.response.body) } } : {}),
          }),
        );
      }
      if (lines.length > 0) {
        await new Promise<void>((resolve, reject) =>
          out.write(`${lines.join('\n')}\n`, (error) => (error ? reject(error) : resolve())),
        );
      }
      await next?.publish(messages);
    },
    async close(): Promise<void> {
      await new Promise<void>((resolve) => out.end(() => resolve()));
      await next?.close();
    },
  };
}
