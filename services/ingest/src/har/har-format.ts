import { UsageError } from '@shadowdiff/contracts';
import { z } from 'zod';

/**
 * The HAR 1.2 fields shadowdiff reads (http://www.softwareishard.com/blog/har-12-spec/). Other
 * fields pass through unchecked: browsers and proxies add their own (`_initiator`, ...).
 */
const nameValue = z.object({ name: z.string(), value: z.string() }).passthrough();

const harEntrySchema = z
  .object({
    startedDateTime: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 date-time'),
    /** Total elapsed time of the request in ms; -1 (Playwright) when it never completed. */
    time: z.number().min(-1),
    request: z
      .object({
        method: z.string().min(1),
        url: z.string().refine((u) => URL.canParse(u), 'expected an absolute URL'),
        headers: z.array(nameValue),
        postData: z
          .object({
            mimeType: z.string().optional(),
            text: z.string().optional(),
            /** Not in HAR 1.2 but written by several tools for binary request bodies. */
            encoding: z.string().optional(),
          })
          .passthrough()
          .optional(),
      })
      .passthrough(),
    response: z
      .object({
        /** 0 (DevTools) or -1 (Playwright) when there was no response (blocked, aborted, failed). */
        status: z.number().int().min(-1).max(999),
        /** Why the browser gave up on the request (Playwright; DevTools writes `_error`). */
        _failureText: z.string().optional(),
        _error: z.string().optional(),
        headers: z.array(nameValue),
        content: z
          .object({
            size: z.number().optional(),
            mimeType: z.string().optional(),
            text: z.string().optional(),
            encoding: z.string().optional(),
          })
          .passthrough(),
      })
      .passthrough(),
  })
  .passthrough();

const harSchema = z
  .object({
    log: z.object({ entries: z.array(z.unknown()) }).passthrough(),
  })
  .passthrough();

export type HarEntry = z.infer<typeof harEntrySchema>;

/** A HAR file that cannot be imported; the message names the file, the entry index and the field. */
export class HarFormatError extends UsageError {
  constructor(
    readonly file: string,
    readonly entryIndex: number | undefined,
    readonly field: string | undefined,
    detail: string,
  ) {
    const where = [entryIndex === undefined ? undefined : `entry ${entryIndex}`, field]
      .filter((p) => p !== undefined)
      .join(', field ');
    super(`${file}: ${where ? `${where}: ` : ''}${detail}`);
  }
}

function fieldPath(path: (string | number)[]): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part),
    '',
  );
}

/** Parses a HAR document. Throws HarFormatError naming the first bad entry (by index) and field. */
export function parseHar(text: string, file: string): HarEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new HarFormatError(
      file,
      undefined,
      undefined,
      `not valid JSON (${(error as Error).message})`,
    );
  }
  const doc = harSchema.safeParse(raw);
  if (!doc.success) {
    const issue = doc.error.issues[0]!;
    throw new HarFormatError(
      file,
      undefined,
      fieldPath(issue.path),
      `${issue.message} — is this a HAR file? It needs log.entries[]`,
    );
  }
  return doc.data.log.entries.map((entry, index) => {
    const parsed = harEntrySchema.safeParse(entry);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw new HarFormatError(file, index, fieldPath(issue.path), issue.message);
  });
}
