/** What a device keeps of its receipt, read back across app versions, and ranks in words. */
import { describe, expect, it } from 'vitest';
import { parseRemembered } from '../../web/src/kept-receipt.ts';
import { ordinal } from '../../web/src/labels.ts';

describe('the kept receipt', () => {
  it.each([
    ['nothing kept', null, null],
    ['an option id, as kept before ballots had several options', 'opt2', { optionIds: ['opt2'] }],
    [
      'a receipt ballot',
      '{"optionIds":["opt3","opt1"],"voteId":"v-1","castAt":"2026-12-01T10:00:00.000Z"}',
      { optionIds: ['opt3', 'opt1'], voteId: 'v-1', castAt: '2026-12-01T10:00:00.000Z' },
    ],
    ['broken JSON', '{"optionIds":', null],
    ['optionIds that are not strings', '{"optionIds":[1,2]}', null],
    ['no optionIds', '{"voteId":"v-1"}', null],
  ])('reads %s', (_, kept, expected) => {
    expect(parseRemembered(kept)).toEqual(expected);
  });
});

describe('ranks in words', () => {
  it.each([
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [21, '21st'],
    [22, '22nd'],
  ])('says %i as %s', (n, said) => {
    expect(ordinal(n)).toBe(said);
  });
});
