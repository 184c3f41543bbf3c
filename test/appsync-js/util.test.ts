import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import {
  base64Decode,
  base64Encode,
  escapeJavaScript,
  urlDecode,
  urlEncode,
} from '../../local/appsync-js/encoding.ts';
import { autoId, autoKsuid, autoUlid } from '../../local/appsync-js/ids.ts';
import { newInvocation } from '../../local/appsync-js/invocation.ts';
import { createUtil, matches, typeOf } from '../../local/appsync-js/util.ts';

const util = createUtil(newInvocation());

describe('util encoding helpers', () => {
  it.each([
    ['plain text', 'hello', 'hello'],
    ['quotes and slashes', `it's "a/b\\c"`, `it\\'s \\"a\\/b\\\\c\\"`],
    ['control characters', 'a\nb\tc\r', 'a\\nb\\tc\\r'],
    ['non-ASCII characters', 'café', 'caf\\u00E9'],
  ])('escapeJavaScript escapes %s', (_label, input, expected) => {
    expect(escapeJavaScript(input)).toBe(expected);
  });

  it.each([
    ['a space as a plus', 'a b', 'a+b'],
    ['reserved characters', 'a&b=c/d?', 'a%26b%3Dc%2Fd%3F'],
    ['unreserved characters unchanged', 'a.b-c*d_e', 'a.b-c*d_e'],
    ['UTF-8 bytes', 'é', '%C3%A9'],
  ])('urlEncode writes %s', (_label, input, expected) => {
    expect(urlEncode(input)).toBe(expected);
    expect(urlDecode(expected)).toBe(input);
  });

  it.each([
    ['ASCII', 'hello', 'aGVsbG8='],
    ['UTF-8', 'é', 'w6k='],
  ])('base64 round-trips %s', (_label, input, encoded) => {
    expect(base64Encode(input)).toBe(encoded);
    expect(base64Decode(encoded)).toBe(input);
  });
});

describe('util null and type helpers', () => {
  it.each([
    ['null', null, true, true, true],
    ['undefined', undefined, true, true, true],
    ['an empty string', '', false, true, true],
    ['a blank string', '  ', false, false, true],
    ['text', 'x', false, false, false],
    ['zero', 0, false, false, false],
  ])('classifies %s', (_label, value, isNull, isNullOrEmpty, isNullOrBlank) => {
    expect(util.isNull(value)).toBe(isNull);
    expect(util.isNullOrEmpty(value)).toBe(isNullOrEmpty);
    expect(util.isNullOrBlank(value)).toBe(isNullOrBlank);
  });

  it.each([
    ['defaultIfNull', null, 'fallback'],
    ['defaultIfNull', '', ''],
    ['defaultIfNullOrEmpty', '', 'fallback'],
    ['defaultIfNullOrEmpty', ' ', ' '],
    ['defaultIfNullOrBlank', ' ', 'fallback'],
    ['defaultIfNullOrBlank', 'x', 'x'],
  ] as const)('%s(%j) gives %j', (name, value, expected) => {
    expect(util[name](value, 'fallback')).toBe(expected);
  });

  it.each([
    [null, 'Null'],
    [1.5, 'Number'],
    ['s', 'String'],
    [true, 'Boolean'],
    [[1], 'List'],
    [{ a: 1 }, 'Map'],
  ])('typeOf(%j) is %s', (value, expected) => {
    expect(typeOf(value)).toBe(expected);
  });

  // util.matches reads its pattern as Java's Pattern
  // (https://docs.aws.amazon.com/appsync/latest/devguide/built-in-util-js.html: "The functionality is
  // based on Pattern"; https://docs.oracle.com/javase/8/docs/api/java/util/regex/Pattern.html). Rows after
  // the first four are where a JavaScript RegExp of the same text answers differently or throws.
  it.each([
    ['a*b', 'aaaaab', true],
    ['a*b', 'aaaaabc', false],
    ['[0-9]{3}', '123', true],
    ['[0-9]{3}', 'x123', false],
    ['\\s', '\u00a0', false],
    ['[\\s]', '\u00a0', false],
    ['\\s', '\u000b', true],
    ['.', '\u0085', false],
    ['a$\n', 'a\n', true],
    ['\\Qa.b\\E', 'a.b', true],
    ['\\Qa.b\\E', 'axb', false],
    ['\\p{Alpha}+', 'abc', true],
    ['\\p{Alpha}', 'é', false],
    ['\\P{Digit}', 'x', true],
    ['\\p{Punct}', '!', true],
    ['\\x{1F600}', '😀', true],
    ['a\\-b\\#\\@', 'a-b#@', true],
    ['\\0101', 'A', true],
    ['\\cA', '\u0001', true],
    ['[^\\d\\-]+', 'ab', true],
    ['(?<year>\\d{4})-\\k<year>', '2030-2030', true],
    ['(?<=a)b|ab', 'ab', true],
    ['a+?b{2,3}', 'abbb', true],
    ['[^\\p{Cc}\\p{Cs}\\p{Zl}\\p{Zp}]*', 'Red ✓', true],
    ['[^\\p{Cc}\\p{Cs}\\p{Zl}\\p{Zp}]*', 'a\tb', false],
    ['[^\\p{Cc}\\p{Cs}\\p{Zl}\\p{Zp}]*', 'a\u2028b', false],
    ['\\p{IsLu}\\P{Lu}', 'Ab', true],
  ])('matches(%j, %j) is %s, as in Java', (pattern, value, expected) => {
    expect(matches(pattern, value)).toBe(expected);
  });

  it.each([
    ['a*+b', /possessive quantifier 'a\*\+'|possessive quantifier '\*\+'/],
    ['(?>a)', /atomic group/],
    ['(?i)abc', /inline flag group/],
    ['[a-z&&[^aeiou]]', /intersection '&&'/],
    ['[a[b]]', /nested character class/],
    ['\\bword\\b', /word boundary/],
    ['a\\Z', /\\Z/],
    ['\\Ga', /\\G/],
    ['\\R', /linebreak/],
    ['\\h', /horizontal whitespace/],
    ['\\v', /vertical whitespace/],
    ['(?<=a+)b', /unbounded repetition '\+' inside a lookbehind/],
    ['\\p{IsAlphabetic}', /property class '\\p\{IsAlphabetic\}'/],
    ['\\y', /escape '\\y'/],
    ['a{', /'\{' that is not a repetition/],
  ])('refuses the pattern %j, naming the construct, rather than matching differently', (pattern, message) => {
    expect(() => matches(pattern, 'anything')).toThrow(message);
    expect(() => matches(pattern, 'anything')).toThrow(/^util\.matches: .* at index \d+ of the pattern/);
  });
});

describe('util.str and util.math', () => {
  it.each([
    ['toUpper', () => util.str.toUpper('abc'), 'ABC'],
    ['toLower', () => util.str.toLower('ABC'), 'abc'],
    ['toReplace', () => util.str.toReplace('a-b-c', '-', '+'), 'a+b+c'],
    ['normalize', () => util.str.normalize('e\u0301', 'nfc'), 'é'],
    ['roundNum', () => util.math.roundNum(2.5), 3],
    ['minVal', () => util.math.minVal(3, 7), 3],
    ['maxVal', () => util.math.maxVal(3, 7), 7],
  ])('%s gives the documented result', (_label, act, expected) => {
    expect(act()).toBe(expected);
  });

  it('keeps random numbers in range', () => {
    for (let i = 0; i < 100; i++) {
      const double = util.math.randomDouble();
      const int = util.math.randomWithinRange(3, 5);
      expect(double).toBeGreaterThanOrEqual(0);
      expect(double).toBeLessThan(1);
      expect([3, 4, 5]).toContain(int);
    }
  });
});

describe('util identifiers', () => {
  it.each([
    [
      'autoId as a version 4 UUID',
      autoId,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    ],
    ['autoUlid as 26 Crockford base32 characters', autoUlid, /^[0-9A-HJKMNP-TV-Z]{26}$/],
    ['autoKsuid as 27 base62 characters', () => autoKsuid(), /^[0-9A-Za-z]{27}$/],
  ])('formats %s', (_label, make, pattern) => {
    expect(make()).toMatch(pattern);
  });

  it('encodes the ULID time as ULID readers decode it, with fresh randomness each time', () => {
    const at = Date.UTC(2026, 10, 25, 13, 0, 0, 123);

    const ids = Array.from({ length: 1000 }, () => autoUlid(at));

    expect(ids.every((id) => decodeTime(id) === at)).toBe(true);
    expect(new Set(ids.map((id) => id.slice(10))).size).toBe(1000);
    expect(autoUlid(at + 1) > (ids[0] as string)).toBe(true);
  });

  it('orders KSUIDs by time', () => {
    const earlier = autoKsuid(Date.UTC(2020, 0, 1));
    const later = autoKsuid(Date.UTC(2024, 0, 1));

    expect(earlier < later).toBe(true);
  });
});

describe('util.http', () => {
  it('copies headers without the restricted ones', () => {
    expect(util.http.copyHeaders({ Host: 'x', 'x-custom': '1', authorization: 'secret' })).toEqual({
      'x-custom': '1',
    });
  });
});
