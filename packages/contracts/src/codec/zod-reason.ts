import type { ZodError } from 'zod';

/** `request.method: Required; response.status: Number must be ...` — names the offending keys. */
export function zodReason(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
