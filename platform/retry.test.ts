import { describe, expect, it } from 'vitest';
import { backoffDelay, retry } from './retry.js';

describe('platform - retry', () => {
  it('retries until the function succeeds, numbering the attempts', async () => {
    const seen: number[] = [];
    const out = await retry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new Error(`fail ${attempt}`);
        return 'ok';
      },
      { firstDelayMs: 1, maxDelayMs: 2 },
    );
    expect(out).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('gives up with the last failure after `attempts`, telling onRetry of each failure but the last', async () => {
    const told: number[] = [];
    await expect(
      retry(
        async (attempt) => {
          throw new Error(`fail ${attempt}`);
        },
        { attempts: 3, firstDelayMs: 1, maxDelayMs: 2, onRetry: (_e, a) => told.push(a) },
      ),
    ).rejects.toThrow('fail 3');
    expect(told).toEqual([1, 2]);
  });

  it('stops at once when retryIf refuses the failure', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error('final');
        },
        { attempts: 10, firstDelayMs: 1, retryIf: () => false },
      ),
    ).rejects.toThrow('final');
    expect(calls).toBe(1);
  });
});

describe('platform - backoffDelay', () => {
  it('doubles from the first delay up to the cap, jittered within [cap/2, cap]', () => {
    expect(backoffDelay(1, 500, 30_000, () => 1)).toBe(500);
    expect(backoffDelay(3, 500, 30_000, () => 1)).toBe(2_000);
    expect(backoffDelay(3, 500, 30_000, () => 0)).toBe(1_000);
    expect(backoffDelay(40, 500, 30_000, () => 1)).toBe(30_000);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(5, 100, 1_000);
      expect(d).toBeGreaterThanOrEqual(500);
      expect(d).toBeLessThanOrEqual(1_000);
    }
  });
});
