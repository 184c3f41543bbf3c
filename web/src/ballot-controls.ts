/**
 * The part of the vote form that holds the ballot, one per poll kind: radio buttons (SINGLE), checkboxes up to
 * `maxChoices` (MULTIPLE), and the ranking control (RANKED, ranking-control.ts). Each gives the ballot in the
 * order castVote takes it, and says in words what is wrong with it before anything is sent.
 */
import type { Poll } from '../../generated/graphql.ts';
import { h, setMessage, uid } from './dom.ts';
import { rankingControl } from './ranking-control.ts';

/** A ballot input in the vote form. */
export interface BallotControl {
  readonly element: HTMLElement;
  /** The options chosen now: poll order for SINGLE and MULTIPLE, preference order for RANKED. */
  ballot(): string[];
  /** Why the ballot cannot be sent yet (a sentence), or null when it can. */
  problem(): string | null;
  /** Shows `optionIds` as the chosen ballot (a stored receipt's, when the voter changes their vote). */
  set(optionIds: readonly string[]): void;
  /** Moves focus to the control (after `problem()` refused a send). */
  focus(): void;
  /** Called after every change the voter makes. */
  onChange(listener: () => void): void;
}

/** The most options one ballot of `poll` may hold. */
export function ballotLimit(poll: Poll): number {
  if (poll.kind === 'MULTIPLE') return poll.maxChoices ?? poll.options.length;
  if (poll.kind === 'RANKED') return poll.maxRanks ?? poll.options.length;
  return 1;
}

/** The control for `poll`'s kind, showing `initial` (a stored ballot) as chosen. */
export function ballotControl(poll: Poll, initial: readonly string[]): BallotControl {
  if (poll.kind === 'MULTIPLE') return multipleChoice(poll, initial);
  if (poll.kind === 'RANKED') return rankingControl(poll, initial);
  return singleChoice(poll, initial);
}

function singleChoice(poll: Poll, initial: readonly string[]): BallotControl {
  const inputs = poll.options.map((option) =>
    h('input', { type: 'radio', name: 'option', id: uid('option'), value: option.id, required: true }),
  );
  const element = h(
    'fieldset',
    { 'data-kind': 'SINGLE' },
    h('legend', {}, 'Your choice'),
    poll.options.map((option, index) =>
      h('div', { class: 'choice' }, inputs[index], h('label', { for: inputs[index]?.id }, option.label)),
    ),
  );
  const control: BallotControl = {
    element,
    ballot: () => inputs.filter((input) => input.checked).map((input) => input.value),
    problem: () => (control.ballot().length === 0 ? 'Pick one of the options first.' : null),
    set(optionIds) {
      for (const input of inputs) input.checked = input.value === optionIds[0];
    },
    focus: () => (inputs.find((input) => input.checked) ?? inputs[0])?.focus(),
    onChange: (listener) => element.addEventListener('change', listener),
  };
  control.set(initial);
  return control;
}

function multipleChoice(poll: Poll, initial: readonly string[]): BallotControl {
  const limit = ballotLimit(poll);
  const countId = uid('choice-count');
  const inputs = poll.options.map((option) =>
    h('input', { type: 'checkbox', name: 'options', id: uid('option'), value: option.id }),
  );
  // Polite: the count follows each tick, and a refused tick is said, without cutting the checkbox's own state.
  const count = h('p', {
    class: 'choice-count',
    id: countId,
    'aria-live': 'polite',
    'data-testid': 'choice-count',
  });
  const element = h(
    'fieldset',
    { 'data-kind': 'MULTIPLE', 'aria-describedby': countId },
    h('legend', {}, limit === 1 ? 'Your choice (one option)' : `Your choices (up to ${limit})`),
    poll.options.map((option, index) =>
      h('div', { class: 'choice' }, inputs[index], h('label', { for: inputs[index]?.id }, option.label)),
    ),
    count,
  );
  const chosen = () => inputs.filter((input) => input.checked);
  const sayCount = () => {
    const n = chosen().length;
    const left = limit - n;
    const text =
      n === 0
        ? `Choose up to ${limit} ${limit === 1 ? 'option' : 'options'}.`
        : left === 0
          ? `${n} chosen: the most this poll takes.`
          : `${n} chosen, ${left} more allowed.`;
    setMessage(count, text, 'info');
  };
  const listeners: (() => void)[] = [];
  element.addEventListener('change', (event) => {
    const target = event.target as HTMLInputElement;
    if (target.checked && chosen().length > limit) {
      // Refused, not silently capped: the voter hears why the box did not stay ticked.
      target.checked = false;
      const label = poll.options.find((option) => option.id === target.value)?.label ?? target.value;
      setMessage(
        count,
        `You can choose at most ${limit} ${limit === 1 ? 'option' : 'options'}. Untick one to choose “${label}”.`,
        'error',
      );
      return;
    }
    sayCount();
    for (const listener of listeners) listener();
  });
  const control: BallotControl = {
    element,
    ballot: () => chosen().map((input) => input.value),
    problem: () => (chosen().length === 0 ? 'Choose at least one option first.' : null),
    set(optionIds) {
      for (const input of inputs) input.checked = optionIds.includes(input.value);
      sayCount();
    },
    focus: () => (chosen()[0] ?? inputs[0])?.focus(),
    onChange: (listener) => listeners.push(listener),
  };
  control.set(initial);
  return control;
}
