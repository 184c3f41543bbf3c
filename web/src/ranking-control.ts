/**
 * Ranking options in order of preference, with buttons only (no drag and drop, which a keyboard, a switch or
 * a screen reader cannot do): each unranked option has "Add", each ranked one "Up", "Down" and "Remove".
 * Every button works with a pointer, Enter and Space; after each move focus stays with the option that
 * moved (or the nearest control when that button went away), and a live region says what happened
 * ("“Tea” moved up to 1st").
 */
import type { Poll } from '../../generated/graphql.ts';
import type { BallotControl } from './ballot-controls.ts';
import { h, setMessage, uid } from './dom.ts';
import { ordinal } from './labels.ts';

type Action = 'add' | 'up' | 'down' | 'remove';

/** A ranking control for `poll` (kind RANKED), starting from `initial` (a stored ballot, best first). */
export function rankingControl(poll: Poll, initial: readonly string[]): BallotControl {
  const limit = poll.maxRanks ?? poll.options.length;
  const labelOf = (id: string) => poll.options.find((option) => option.id === id)?.label ?? id;
  const rankedTitle = uid('ranked');
  const unrankedTitle = uid('unranked');
  const countId = uid('rank-count');
  let ranking: string[] = [];
  const listeners: (() => void)[] = [];

  const rankedList = h('ol', { class: 'ranked', 'aria-labelledby': rankedTitle, 'data-testid': 'ranking' });
  const unrankedList = h('ul', { class: 'unranked', 'aria-labelledby': unrankedTitle });
  const count = h('p', { class: 'choice-count', id: countId, 'data-testid': 'rank-count' });
  // What the last button did, said once; the lists themselves are rebuilt silently.
  const announcer = h('p', {
    class: 'visually-hidden',
    'aria-live': 'polite',
    'aria-atomic': 'true',
    'data-testid': 'rank-announcer',
  });
  const element = h(
    'fieldset',
    { class: 'ranking', 'data-kind': 'RANKED', 'aria-describedby': countId },
    h('legend', {}, limit < poll.options.length ? `Your ranking (up to ${limit})` : 'Your ranking'),
    h(
      'p',
      { class: 'hint' },
      'Add options in order of preference, your favourite first. If your first choice is eliminated, your vote moves to your next choice.',
    ),
    h('p', { class: 'list-title', id: rankedTitle }, 'Ranked'),
    rankedList,
    count,
    h('p', { class: 'list-title', id: unrankedTitle }, 'Not ranked'),
    unrankedList,
    announcer,
  );

  const button = (action: Action, id: string, text: string, name: string, disabled = false) =>
    h(
      'button',
      {
        type: 'button',
        class: `rank-${action}`,
        'data-action': action,
        'data-option-id': id,
        'aria-label': name,
        disabled,
      },
      text,
    );

  const render = () => {
    rankedList.replaceChildren(
      ...ranking.map((id, index) =>
        h(
          'li',
          { 'data-option-id': id, 'data-rank': index + 1 },
          h('span', { class: 'rank-number', 'aria-hidden': 'true' }, ordinal(index + 1)),
          h('span', { class: 'rank-label' }, labelOf(id)),
          h(
            'span',
            { class: 'rank-actions' },
            button('up', id, 'Up', `Move “${labelOf(id)}” up`, index === 0),
            button('down', id, 'Down', `Move “${labelOf(id)}” down`, index === ranking.length - 1),
            button('remove', id, 'Remove', `Remove “${labelOf(id)}” from your ranking`),
          ),
        ),
      ),
    );
    if (ranking.length === 0) rankedList.append(h('li', { class: 'hint' }, 'Nothing ranked yet.'));
    const unranked = poll.options.filter((option) => !ranking.includes(option.id));
    unrankedList.replaceChildren(
      ...unranked.map((option) =>
        h(
          'li',
          { 'data-option-id': option.id },
          h('span', { class: 'rank-label' }, option.label),
          button('add', option.id, 'Add', `Add “${option.label}” to your ranking`),
        ),
      ),
    );
    if (unranked.length === 0) unrankedList.append(h('li', { class: 'hint' }, 'Every option is ranked.'));
    setMessage(
      count,
      ranking.length === 0
        ? `Rank up to ${limit} ${limit === 1 ? 'option' : 'options'}.`
        : ranking.length >= limit
          ? `${ranking.length} ranked: the most this poll takes.`
          : `${ranking.length} ranked, up to ${limit - ranking.length} more allowed.`,
      'info',
    );
  };

  /** Focuses the first enabled button among `candidates` ([action, optionId] pairs). */
  const focusFirst = (...candidates: [Action, string | undefined][]) => {
    for (const [action, id] of candidates) {
      if (!id) continue;
      const target = element.querySelector<HTMLButtonElement>(
        `button[data-action="${action}"][data-option-id="${CSS.escape(id)}"]`,
      );
      if (target && !target.disabled) {
        target.focus();
        return;
      }
    }
  };

  const say = (text: string, kind: 'info' | 'error' = 'info') => {
    // The same sentence twice in a row (two moves down) must be said twice: clear, then set.
    announcer.textContent = '';
    setTimeout(() => {
      announcer.textContent = text;
    }, 50);
    if (kind === 'error') setMessage(count, text, 'error');
  };

  const act = (action: Action, id: string) => {
    const label = labelOf(id);
    const at = ranking.indexOf(id);
    if (action === 'add') {
      if (ranking.length >= limit) {
        say(
          `You can rank at most ${limit} ${limit === 1 ? 'option' : 'options'}. Remove one to add “${label}”.`,
          'error',
        );
        return;
      }
      const unranked = poll.options.map((option) => option.id).filter((other) => !ranking.includes(other));
      const index = unranked.indexOf(id);
      ranking = [...ranking, id];
      render();
      // On to the next option to add, so ranking several is Tab-free: Add, Add, Add.
      focusFirst(['add', unranked[index + 1]], ['add', unranked[index - 1]], ['up', id], ['remove', id]);
      say(`“${label}” ranked ${ordinal(ranking.length)}.`);
    } else if (action === 'remove') {
      ranking = ranking.filter((other) => other !== id);
      render();
      focusFirst(['remove', ranking[at]], ['remove', ranking[at - 1]], ['add', id]);
      say(`“${label}” removed from your ranking.`);
    } else {
      const to = action === 'up' ? at - 1 : at + 1;
      if (at < 0 || to < 0 || to >= ranking.length) return;
      const next = [...ranking];
      next.splice(at, 1);
      next.splice(to, 0, id);
      ranking = next;
      render();
      focusFirst([action, id], [action === 'up' ? 'down' : 'up', id]);
      say(`“${label}” moved ${action} to ${ordinal(to + 1)}.`);
    }
    for (const listener of listeners) listener();
  };

  element.addEventListener('click', (event) => {
    const target = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
    if (!target || target.disabled) return;
    act(target.dataset.action as Action, target.dataset.optionId ?? '');
  });

  const control: BallotControl = {
    element,
    ballot: () => [...ranking],
    problem: () => (ranking.length === 0 ? 'Add at least one option to your ranking first.' : null),
    set(optionIds) {
      const known = new Set(poll.options.map((option) => option.id));
      ranking = optionIds.filter((id, index) => known.has(id) && optionIds.indexOf(id) === index);
      ranking = ranking.slice(0, limit);
      render();
    },
    focus: () =>
      element.querySelector<HTMLButtonElement>('.unranked button, .ranked button:not(:disabled)')?.focus(),
    onChange: (listener) => listeners.push(listener),
  };
  control.set(initial);
  return control;
}
