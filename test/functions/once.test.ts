import { describe, expect, it } from 'vitest';
import { oncePerContainer } from '../../functions/common/once.ts';

describe('oncePerContainer', () => {
  it('builds once and shares the value between concurrent and later calls', async () => {
    let builds = 0;
    const value = oncePerContainer(async () => {
      builds += 1;
      return { built: builds };
    });

    const [first, second] = await Promise.all([value(), value()]);
    const third = await value();

    expect(builds).toBe(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
  });

  it('forgets a failed build, so the next call tries again', async () => {
    let builds = 0;
    const value = oncePerContainer(async () => {
      builds += 1;
      if (builds === 1) throw new Error('throttled at cold start');
      return 'ready';
    });

    await expect(value()).rejects.toThrow('throttled at cold start');
    expect(await value()).toBe('ready');
    expect(builds).toBe(2);
  });
});
