import { ShadowdiffError } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { StoreError, storeCall } from './store-error.js';

function replyError(message: string): Error {
  const error = new Error(message);
  error.name = 'ReplyError';
  return error;
}

describe('StoreError', () => {
  it('is a retriable ERR_STORE for connection trouble and busy replies, not for script bugs', () => {
    expect(new StoreError('offer', new Error('Connection is closed.'))).toMatchObject({
      code: 'ERR_STORE',
      retriable: true,
    });
    expect(new StoreError('offer', replyError('LOADING Redis is loading'))).toMatchObject({
      retriable: true,
    });
    expect(new StoreError('offer', replyError('WRONGTYPE Operation against a key'))).toMatchObject({
      retriable: false,
    });
    expect(new StoreError('offer', new Error('x'))).toBeInstanceOf(ShadowdiffError);
  });

  it('wraps failures once, keeping the cause', async () => {
    const cause = new Error('ECONNREFUSED');
    const error = await storeCall('expire', () => Promise.reject(cause)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).cause).toBe(cause);
    expect((error as StoreError).message).toBe('Redis expire failed: ECONNREFUSED');
    const again = await storeCall('outer', () => Promise.reject(error)).catch((e: unknown) => e);
    expect(again).toBe(error);
  });
});
