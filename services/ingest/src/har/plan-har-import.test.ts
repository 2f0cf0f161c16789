import { decodeTapRecord } from '@shadowdiff/contracts';
import type { OutboundMessage, RecordPublisher } from '@shadowdiff/engine';
import { createRedactor } from '@shadowdiff/source';
import { describe, expect, it } from 'vitest';
import { redactRecord } from '../redact-record.js';
import { harDocument, harEntry } from './har-fixtures.test-kit.js';
import { HarFormatError } from './har-format.js';
import { planHarImport } from './plan-har-import.js';
import { publishRecords } from './publish-records.js';

/** In-memory RecordPublisher: the transport is not under test here. */
class MemoryPublisher implements RecordPublisher {
  readonly messages: OutboundMessage[] = [];
  publish(messages: OutboundMessage[]): Promise<void> {
    this.messages.push(...messages);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const T1 = '4bf92f3577b34da6a3ce929d0e0e4736';
const primaryHar = harDocument([
  harEntry({
    url: 'https://prod.example/orders/1?expand=items',
    headers: {
      traceparent: `00-${T1}-00f067aa0ba902b7-01`,
      ':authority': 'prod',
      Accept: 'application/json',
    },
    body: '{"id":1,"total":10}',
    responseHeaders: {
      'Content-Type': 'application/json',
      'Content-Encoding': 'gzip',
      'Set-Cookie': 'a=1',
    },
    started: '2025-01-02T03:04:05.678Z',
    time: 42,
  }),
  harEntry({
    method: 'post',
    url: 'https://prod.example/cart',
    postData: '{"sku":"x"}',
    body: '{}',
  }),
  harEntry({ url: 'https://prod.example/blocked', status: 0 }),
]);
const shadowHar = harDocument([
  harEntry({
    method: 'POST',
    url: 'https://staging.example/cart',
    postData: '{"sku":"x"}',
    body: '{}',
  }),
  harEntry({
    url: 'https://staging.example/orders/1?expand=items',
    headers: { traceparent: `00-${T1}-b7ad6b7169203331-01` },
    body: Buffer.from('{"id":1,"total":"10"}').toString('base64'),
    base64: true,
  }),
  harEntry({ url: 'https://staging.example/big', omitText: true, size: 5000 }),
]);

describe('planHarImport', () => {
  const plan = () =>
    planHarImport(
      { file: 'a.har', text: primaryHar },
      { file: 'b.har', text: shadowHar },
      { service: 'orders', runId: 'run1' },
    );

  it('gives both halves of a pair one trace id and reports how entries paired', () => {
    const { records, summary } = plan();
    expect(summary).toEqual({
      entries: { primary: 3, shadow: 3 },
      pairs: { traceparent: 1, 'x-request-id': 0, 'method+url+order': 1, total: 2 },
      unpaired: { primary: 1, shadow: 1 },
      notCaptured: {
        body: { primary: 0, shadow: 0 },
        response: { primary: 0, shadow: 0 },
        pairsLeftOut: 0,
      },
      records: 6,
    });
    expect(records.map((r) => [r.traceId, r.role, r.request.url])).toEqual([
      ['har-run1-0', 'primary', '/orders/1?expand=items'],
      ['har-run1-0', 'shadow', '/orders/1?expand=items'],
      ['har-run1-1', 'primary', '/cart'],
      ['har-run1-1', 'shadow', '/cart'],
      ['har-run1-p2', 'primary', '/blocked'],
      ['har-run1-s2', 'shadow', '/big'],
    ]);
  });

  it('builds records from HAR fields: decoded bodies, no content-encoding, status 0 as an error', () => {
    const { records } = plan();
    const [p0, s0, p1, , orphanP, orphanS] = records;
    expect(p0).toMatchObject({
      service: 'orders',
      tapId: 'har-import',
      capturedAt: Date.parse('2025-01-02T03:04:05.678Z'),
      durationMs: 42,
      request: { method: 'GET', headers: { accept: 'application/json' } },
      response: { status: 200, headers: { 'content-encoding': 'gzip', 'set-cookie': 'a=1' } },
      meta: { source: 'har', 'har.file': 'a.har', 'har.entry': '0', 'har.pairedBy': 'traceparent' },
    });
    expect(p0!.request.headers).not.toHaveProperty(':authority');
    expect(p0!.response!.contentEncoding).toBeUndefined();
    expect(Buffer.from(p0!.response!.body).toString()).toBe('{"id":1,"total":10}');
    expect(Buffer.from(s0!.response!.body).toString()).toBe('{"id":1,"total":"10"}');
    expect(p1!.request.method).toBe('POST');
    expect(Buffer.from(p1!.request.body).toString()).toBe('{"sku":"x"}');
    expect(orphanP!.response).toBeUndefined();
    expect(orphanP!.error).toEqual({ kind: 'other', message: 'no response in the HAR (status 0)' });
    expect(orphanS!.response).toMatchObject({ bodySize: 5000, bodyTruncated: true });
  });

  it('leaves unpaired entries out on request', () => {
    const { records, summary } = planHarImport(
      { file: 'a.har', text: primaryHar },
      { file: 'b.har', text: shadowHar },
      { service: 'orders', runId: 'r', includeUnpaired: false },
    );
    expect(records).toHaveLength(4);
    expect(summary.unpaired).toEqual({ primary: 1, shadow: 1 });
  });

  it('fails on the first malformed entry of either file, naming it', () => {
    const broken = harDocument([harEntry({ url: 'https://x/' }), { request: {}, response: {} }]);
    expect(() =>
      planHarImport(
        { file: 'a.har', text: primaryHar },
        { file: 'b.har', text: broken },
        { service: 's', runId: 'r' },
      ),
    ).toThrowError(new HarFormatError('b.har', 1, 'startedDateTime', 'Required'));
  });

  it('publishes every record keyed by trace id, with progress up to the total', async () => {
    const { records } = plan();
    const publisher = new MemoryPublisher();
    const progress: number[] = [];
    const stats = await publishRecords(records, publisher, 'taps', {
      batchSize: 4,
      onProgress: (n) => progress.push(n),
    });
    expect(stats).toEqual({ published: 6, dropped: 0, queued: 0 });
    expect(progress).toEqual([4, 6]);
    const decoded = publisher.messages.map((m) => {
      const r = decodeTapRecord(m.value);
      if (!r.ok) throw r.error;
      expect(m.key).toBe(r.value.traceId);
      return r.value;
    });
    expect(decoded.map((r) => `${r.traceId}/${r.role}`)).toEqual(
      records.map((r) => `${r.traceId}/${r.role}`),
    );
  });

  it('redacts secrets the way the tap does, equal secrets to equal tokens', () => {
    const redact = redactRecord(createRedactor({ key: Buffer.from('k'), jsonPaths: ['/sku'] }));
    const withAuth = harDocument([
      harEntry({
        method: 'POST',
        url: 'https://h/cart',
        headers: { Authorization: 'Bearer s3cret', 'Content-Type': 'application/json' },
        postData: '{"sku":"x"}',
      }),
    ]);
    const { records } = planHarImport(
      { file: 'a', text: withAuth },
      { file: 'b', text: withAuth },
      { service: 's', runId: 'r' },
    );
    const [p, s] = records.map(redact);
    expect(p!.request.headers.authorization).toMatch(/^Bearer redacted:/);
    expect(p!.request.headers.authorization).not.toContain('s3cret');
    expect(p!.request.headers.authorization).toBe(s!.request.headers.authorization);
    expect(Buffer.from(p!.request.body).toString()).not.toContain('"x"');
    // The input records are not modified.
    expect(records[0]!.request.headers.authorization).toBe('Bearer s3cret');
  });
});
