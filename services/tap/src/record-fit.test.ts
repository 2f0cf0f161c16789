import {
  TAP_RECORD_VERSION,
  TapRecordEncoder,
  cutToFit,
  decodeTapRecord,
} from '@shadowdiff/contracts';
import type { TapRecord } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { RecordLimit } from '@shadowdiff/source';
import { learnTopicLimit } from './tap-command.js';

const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);

function record(reqBody: number, resBody: number): TapRecord {
  return {
    v: TAP_RECORD_VERSION,
    traceId: 't-1',
    role: 'primary',
    service: 'svc',
    tapId: 'tap-1',
    capturedAt: 1,
    durationMs: 2,
    request: {
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes(reqBody, 1),
      bodySize: reqBody,
      bodyTruncated: false,
    },
    response: {
      status: 200,
      headers: {},
      body: bytes(resBody, 2),
      bodySize: resBody,
      bodyTruncated: false,
    },
    meta: { mode: 'mirror' },
  };
}

const encodedSize = (r: TapRecord) => new TapRecordEncoder().encode(r).byteLength;

describe('records cut to fit the broker limit', () => {
  it.each([
    [10, 5_000_000],
    [5_000_000, 10],
    [3_000_000, 3_000_000],
  ])('request %i B + response %i B fit in 200 000 B, flagged truncated', (req, res) => {
    const r = record(req, res);
    const size = encodedSize(r);
    const cut = cutToFit(r, size, 200_000);
    const out = new TapRecordEncoder().encode(cut);
    expect(out.byteLength).toBeLessThanOrEqual(200_000);
    const bytesOut = new Uint8Array(out.byteLength);
    out.copyTo(bytesOut, 0);
    const decoded = decodeTapRecord(bytesOut);
    if (!decoded.ok) throw decoded.error;
    const got = decoded.value;
    // Full sizes kept; whatever was cut is flagged; a small side is left whole.
    expect(got.request.bodySize).toBe(req);
    expect(got.response?.bodySize).toBe(res);
    expect(got.request.bodyTruncated).toBe(got.request.body.byteLength < req);
    expect(got.response?.bodyTruncated).toBe((got.response?.body.byteLength ?? 0) < res);
    if (req === 10) expect(got.request.body.byteLength).toBe(10);
    if (res === 10) expect(got.response?.body.byteLength).toBe(10);
    // The response, which is what gets judged, keeps at least half of the room.
    expect(got.response!.body.byteLength).toBeGreaterThanOrEqual(Math.min(res, 90_000));
    expect(got.meta?.cutToFit).toBe('200000');
  });

  it('the limit only ever goes down, and listeners hear it', () => {
    const limit = new RecordLimit(1_000_000);
    const heard: number[] = [];
    limit.onChange((b) => heard.push(b));
    limit.lowerTo(2_000_000);
    expect(limit.bytes).toBe(1_000_000);
    limit.lowerTo(300_000);
    expect(limit.bytes).toBe(300_000);
    expect(heard).toEqual([300_000]);
  });

  it('the topic limit is asked again until the broker answers, and not after a stop', async () => {
    const limit = new RecordLimit(1_000_000);
    const answers = [undefined, undefined, 250_000];
    let asked = 0;
    const lines: string[] = [];
    await learnTopicLimit(
      limit,
      new AbortController().signal,
      (l) => lines.push(l),
      () => Promise.resolve(answers[asked++]),
      1,
    );
    expect(asked).toBe(3);
    expect(limit.bytes).toBe(250_000);
    expect(lines.join('\n')).toMatch(/up to 250000 bytes/);

    const stop = new AbortController();
    let calls = 0;
    const running = learnTopicLimit(
      limit,
      stop.signal,
      () => {},
      () => {
        calls++;
        return Promise.resolve(undefined);
      },
      60_000,
    );
    await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    await running;
    expect(calls).toBe(1);
  });
});
