import { ShadowdiffError } from '@shadowdiff/contracts';

/** Reply errors that mean "try again later", not "this will never work". */
const TRANSIENT_REPLY =
  /^(LOADING|BUSY|READONLY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|NOREPLICAS|MISCONF)\b/;

/** A Redis or BullMQ failure, with `retriable` telling the caller whether to try again. */
export class StoreError extends ShadowdiffError {
  constructor(operation: string, cause: unknown) {
    const message = cause instanceof Error ? cause.message : String(cause);
    super('ERR_STORE', `Redis ${operation} failed: ${message}`, {
      cause,
      retriable: isTransient(cause),
    });
  }
}

/**
 * Connection trouble (refused, reset, closed, retries exhausted while Redis restarts) is retriable;
 * a reply error is only when Redis says it is busy or loading. Script bugs and wrong types are not.
 */
function isTransient(cause: unknown): boolean {
  if (!(cause instanceof Error)) return true;
  if (cause.name !== 'ReplyError') return true;
  return TRANSIENT_REPLY.test(cause.message);
}

/** Runs `work`, turning any failure into a {@link StoreError}. */
export async function storeCall<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(operation, error);
  }
}
