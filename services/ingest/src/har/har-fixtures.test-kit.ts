/** Builders for HAR 1.2 documents in tests (the format as the spec writes it). */
export interface EntrySpec {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  status?: number;
  body?: string;
  base64?: boolean;
  started?: string;
  time?: number;
  postData?: string;
  responseHeaders?: Record<string, string>;
  omitText?: boolean;
  size?: number;
}

const list = (h: Record<string, string> = {}) =>
  Object.entries(h).map(([name, value]) => ({ name, value }));

export function harEntry(spec: EntrySpec): Record<string, unknown> {
  return {
    startedDateTime: spec.started ?? '2025-01-02T03:04:05.678Z',
    time: spec.time ?? 12.5,
    request: {
      method: spec.method ?? 'GET',
      url: spec.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: list(spec.headers),
      queryString: [],
      ...(spec.postData !== undefined
        ? { postData: { mimeType: 'application/json', text: spec.postData } }
        : {}),
      headersSize: -1,
      bodySize: spec.postData?.length ?? 0,
    },
    response: {
      status: spec.status ?? 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: list(spec.responseHeaders ?? { 'Content-Type': 'application/json' }),
      content: {
        size: spec.size ?? spec.body?.length ?? 0,
        mimeType: 'application/json',
        ...(spec.omitText ? {} : { text: spec.body ?? '' }),
        ...(spec.base64 ? { encoding: 'base64' } : {}),
      },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { send: 0, wait: 10, receive: 2.5 },
  };
}

export function harDocument(entries: Record<string, unknown>[]): string {
  return JSON.stringify({
    log: { version: '1.2', creator: { name: 'test', version: '1' }, entries },
  });
}
