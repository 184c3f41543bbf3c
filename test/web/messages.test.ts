/** Every contract error type has its own sentence in the app, and real-time errors are recognised. */
import { describe, expect, it } from 'vitest';
import {
  CONTRACT_ERROR_TYPES,
  DUPLICATE_VOTE_MESSAGE,
  errorKind,
  errorMessage,
} from '../../web/src/messages.ts';

describe('the poll app messages', () => {
  it('has a distinct message for each contract errorType', () => {
    const messages = CONTRACT_ERROR_TYPES.map((type) => errorMessage(errorKind(type)));
    expect(new Set(messages).size).toBe(CONTRACT_ERROR_TYPES.length);
    expect(messages).not.toContain(errorMessage('Unknown'));
    expect(DUPLICATE_VOTE_MESSAGE).toBe('Your vote was already counted.');
  });

  it('reads the errorType out of a real-time error and adds validation details', () => {
    expect(
      errorKind(
        undefined,
        'Connection failed: ResultsHidden: results of poll "p" are shown only after it closes',
      ),
    ).toBe('ResultsHidden');
    expect(errorKind('UnauthorizedException')).toBe('Unauthorized');
    expect(errorKind('TypeError', 'Failed to fetch')).toBe('Network');
    expect(errorMessage('ValidationError', 'input.title must not be empty')).toBe(
      'Some of what you entered was not accepted. input.title must not be empty.',
    );
  });
});
