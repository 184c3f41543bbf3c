import { describe, expect, it } from 'vitest';
import { DocumentCache } from '../../local/server/document-cache.ts';

describe('the parsed-document cache', () => {
  const weigh = (key: string) => key.length * 10;

  it('never holds more than its byte budget, dropping the least recently used first', () => {
    const cache = new DocumentCache<string>(1_000, weigh);

    for (let i = 0; i < 100; i++) cache.set(`${i}`.padStart(30, 'q'), `doc ${i}`);

    expect(cache.bytes).toBeLessThanOrEqual(1_000);
    expect(cache.size).toBe(3);
    expect(cache.get('99'.padStart(30, 'q'))).toBe('doc 99');
    expect(cache.get('0'.padStart(30, 'q'))).toBeUndefined();
  });

  it('keeps a recently read entry over older ones', () => {
    const cache = new DocumentCache<string>(900, weigh);
    cache.set('a'.repeat(30), 'a');
    cache.set('b'.repeat(30), 'b');
    cache.set('c'.repeat(30), 'c');

    cache.get('a'.repeat(30));
    cache.set('d'.repeat(30), 'd');

    expect(cache.get('a'.repeat(30))).toBe('a');
    expect(cache.get('b'.repeat(30))).toBeUndefined();
  });

  it('does not keep an entry that alone is over the budget', () => {
    const cache = new DocumentCache<string>(100, weigh);

    cache.set('x'.repeat(11), 'too big');

    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });
});
