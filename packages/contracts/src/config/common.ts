import { z } from 'zod';
import { jsonPointerProblem } from '../patterns/json-pointer.js';
import type { PointerOptions } from '../patterns/json-pointer.js';
import { isPatternProblem, tryCompileRoutePattern } from '../patterns/route-pattern.js';

/** `host:port`, `:port` or a bare port number. */
export const listenSchema = z.union([
  z.number().int().min(0).max(65_535),
  z
    .string()
    .regex(/^([^:]*:)?\d{1,5}$/, 'expected host:port, :port or a port number')
    .refine((v) => Number(v.slice(v.lastIndexOf(':') + 1)) <= 65_535, 'port must be 0-65535'),
]);

export const durationMsSchema = z.number().int().nonnegative();
/** An absolute URL; the message says what one looks like (zod's own is `Invalid url`). */
export const urlSchema = z
  .string()
  .url('expected an absolute URL such as http://127.0.0.1:9000 (scheme, host and port)');

/** A string the schema checks with `problem` (undefined = fine), so the error names the key. */
function checkedString(problem: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  });
}

const routeProblem = (allowMethod: boolean) => (value: string) => {
  const compiled = tryCompileRoutePattern(value, { allowMethod });
  return isPatternProblem(compiled) ? compiled.message : undefined;
};

/** `[METHOD ]/path` in the route-pattern language (patterns/route-pattern.ts). */
export const routePatternSchema = checkedString(routeProblem(true));
/** `/path` in the route-pattern language, without a method. */
export const pathPatternSchema = checkedString(routeProblem(false));
/** A JSON pointer with `*` (patterns/json-pointer.ts); `root: false` refuses `''`. */
export const jsonPointerSchema = (options: PointerOptions = {}) =>
  checkedString((value) => jsonPointerProblem(value, options));
