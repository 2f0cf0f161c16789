import { open, readdir, unlink } from 'node:fs/promises';
import { SEGMENT_MAGIC } from './frame.js';
import { readCursor } from './files.js';
import { newSegment, scanFrames, segmentSeq } from './segment.js';
import type { Segment } from './segment.js';
import type { ResolvedSpoolOptions } from './options.js';

/**
 * The segments an earlier process left, oldest first, each crc-checked frame by frame: those the
 * cursor says were replayed are deleted; a torn or damaged tail (a crash mid-write) is cut off
 * and counted `spool_corrupt` (one record: how many it held is unknown).
 */
export async function recoverSegments(o: ResolvedSpoolOptions): Promise<Segment[]> {
  const cursor = await readCursor(o.dir);
  const seqs = (await readdir(o.dir))
    .map(segmentSeq)
    .filter((seq): seq is number => seq !== undefined)
    .sort((a, b) => a - b);
  const out: Segment[] = [];
  for (const seq of seqs) {
    const segment = newSegment(o.dir, seq);
    if (cursor !== undefined && seq < cursor.seq) {
      await unlink(segment.path).catch(() => {});
      continue;
    }
    const file = await open(segment.path, 'r+');
    const size = (await file.stat()).size;
    const magic = Buffer.alloc(SEGMENT_MAGIC.length);
    await file.read(magic, 0, magic.length, 0);
    if (size < SEGMENT_MAGIC.length || !magic.equals(SEGMENT_MAGIC)) {
      await file.close();
      if (size > 0) {
        o.log(`spool: ${segment.path} is not a spool segment of this version; removed`);
        o.onDrop('spool_corrupt', 1);
      }
      await unlink(segment.path).catch(() => {});
      continue;
    }
    const done = cursor?.seq === seq ? cursor.offset : SEGMENT_MAGIC.length;
    let first = true;
    const scan = await scanFrames(file, size, (frame, offset) => {
      segment.records += 1;
      if (offset < done) {
        segment.acked += 1;
        segment.committed = offset + frame.size;
      } else if (first) {
        first = false;
        segment.oldestAt = frame.spooledAt;
      }
      segment.newestAt = frame.spooledAt;
    });
    if (scan.damaged) {
      o.log(`spool: ${segment.path} ends in a torn or damaged record at ${scan.end}; cut there`);
      o.onDrop('spool_corrupt', 1);
      await file.truncate(scan.end);
    }
    Object.assign(segment, {
      file,
      size: scan.end,
      written: scan.end,
      writtenRecords: segment.records,
      sealed: true,
    });
    if (segment.acked === segment.records) {
      await file.close();
      await unlink(segment.path).catch(() => {});
      continue;
    }
    out.push(segment);
  }
  return out;
}
