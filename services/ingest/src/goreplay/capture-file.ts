import { decodeGoReplayPayload } from './protocol.js';
import type { GoReplayDecode } from './protocol.js';

/**
 * What `gor --output-file` writes between payloads (output_file.go in buger/goreplay): each payload
 * is its header line `type id timestamp latency\n` plus the raw HTTP bytes, then this line.
 */
export const GOREPLAY_FILE_SEPARATOR = '\n🐵🙈🙉\n';

export interface GoReplayFileBlock {
  /** 0-based position of the payload in the file. */
  index: number;
  /** 1-based line of the file the payload starts on. */
  line: number;
  decoded: GoReplayDecode;
}

const LF = 0x0a;

function countLines(bytes: Buffer, from: number, to: number): number {
  let n = 0;
  for (let at = bytes.indexOf(LF, from); at >= 0 && at < to; at = bytes.indexOf(LF, at + 1)) n++;
  return n;
}

/**
 * Splits a GoReplay capture file into its payloads and decodes each (header line and HTTP bytes
 * apart; the HTTP itself is the caller's to parse). Blank stretches between separators are
 * skipped; a payload whose header does not decode comes back with `ok: false` and its reason, so
 * the caller can name it (block index, line) and go on.
 */
export function readGoReplayFile(bytes: Buffer): GoReplayFileBlock[] {
  const separator = Buffer.from(GOREPLAY_FILE_SEPARATOR, 'utf8');
  const blocks: GoReplayFileBlock[] = [];
  let start = 0;
  let line = 1;
  let index = 0;
  while (start < bytes.length) {
    const found = bytes.indexOf(separator, start);
    const end = found < 0 ? bytes.length : found;
    const payload = bytes.subarray(start, end);
    if (payload.toString('latin1').trim() !== '') {
      // A payload's own leading blank lines (an editor's, or a stray newline) are not its header.
      let skip = 0;
      while (payload[skip] === LF || payload[skip] === 0x0d) skip++;
      blocks.push({
        index: index++,
        line: line + countLines(payload, 0, skip),
        decoded: decodeGoReplayPayload(payload.subarray(skip)),
      });
    }
    if (found < 0) break;
    line += countLines(bytes, start, end + separator.length);
    start = end + separator.length;
  }
  return blocks;
}
