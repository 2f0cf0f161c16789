import type { TapRecord } from '@shadowdiff/contracts';
import type { Redactor } from '@shadowdiff/source';

/**
 * Applies the tap's redaction to a record built outside a tap (GoReplay, HAR): secret headers
 * become keyed HMAC tokens and configured JSON paths are replaced, exactly as `shadowdiff tap`
 * does before a record leaves the process. Both halves of a pair go through the same redactor, so
 * equal secrets stay equal and no diff is created or hidden.
 */
export function redactRecord(redactor: Redactor): (record: TapRecord) => TapRecord {
  return (record) => {
    const request = { ...record.request, headers: { ...record.request.headers } };
    redactor.headers(request.headers);
    if (redactor.hasBodyRules) {
      const { part } = redactor.body(request, request.headers['content-type']);
      Object.assign(request, part);
      if (part.contentEncoding === undefined) delete request.contentEncoding;
    }
    const out: TapRecord = { ...record, request };
    if (record.response) {
      const response = { ...record.response, headers: { ...record.response.headers } };
      redactor.headers(response.headers);
      if (redactor.hasBodyRules) {
        const { part } = redactor.body(response, response.headers['content-type']);
        Object.assign(response, part);
        if (part.contentEncoding === undefined) delete response.contentEncoding;
      }
      out.response = response;
    }
    return out;
  };
}
