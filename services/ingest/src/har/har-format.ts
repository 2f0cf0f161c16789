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

/** A HAR entry that does not fit the schema: its index, the first bad field and why. */
export interface MalformedHarEntry {
  index: number;
  field: string | undefined;
  reason: string;
}

/**
 * Parses a HAR document entry by entry: the entries that fit (with their index in `log.entries`)
 * and the ones that do not, each naming its index and first bad field, so a caller can skip them.
 * Throws HarFormatError only when the document itself is not a HAR (not JSON, no `log.entries`).
 */
export function parseHarEntries(
  text: string,
  file: string,
): { entries: { index: number; entry: HarEntry }[]; malformed: MalformedHarEntry[] } {
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
  const entries: { index: number; entry: HarEntry }[] = [];
  const malformed: MalformedHarEntry[] = [];
  doc.data.log.entries.forEach((entry, index) => {
    const parsed = harEntrySchema.safeParse(entry);
    if (parsed.success) {
      entries.push({ index, entry: parsed.data });
    } else {
      const issue = parsed.error.issues[0]!;
      malformed.push({ index, field: fieldPath(issue.path), reason: issue.message });
    }
  });
  return { entries, malformed };
}

/** Parses a HAR document. Throws HarFormatError naming the first bad entry (by index) and field. */
export function parseHar(text: string, file: string): HarEntry[] {
  const { entries, malformed } = parseHarEntries(text, file);
  const bad = malformed[0];
  if (bad) throw new HarFormatError(file, bad.index, bad.field, bad.reason);
  return entries.map((e) => e.entry);
}
