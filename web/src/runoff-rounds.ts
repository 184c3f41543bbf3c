/**
 * A ranked poll's instant-runoff rounds, drawn from PollResults.rounds: per round, a bar per option still in
 * (its votes and share of the ballots still counting), the ballots exhausted, the option eliminated; and the
 * winner (or, while the poll is open, the option leading). Each message carries every round again, so the
 * drawing is rebuilt from the newest one, with each bar starting from its previous width and new rounds
 * fading in (CSS transitions, none under prefers-reduced-motion). The bars are for the eye (aria-hidden); a
 * visually hidden table holds the same numbers for screen readers, as the demographic charts do.
 */
import type { PollResults, RunoffRound } from '../../generated/graphql.ts';
import { barWidth } from './breakdown-chart.ts';
import { h } from './dom.ts';

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

/** Ballots still counting in a round (not exhausted): the sum of its options' votes. */
export function continuing(round: RunoffRound): number {
  return round.options.reduce((sum, option) => sum + option.votes, 0);
}

function labelOf(results: PollResults, optionId: string | null | undefined): string {
  return results.options.find((option) => option.optionId === optionId)?.label ?? optionId ?? '';
}

/** The outcome in a sentence: the winner (closed), the option leading (open), or no ballots yet. */
export function outcomeText(results: PollResults): string {
  const rounds = results.rounds ?? [];
  const last = rounds[rounds.length - 1];
  if (!results.winner || !last || results.totalVotes === 0) return 'No ballots yet.';
  const votes = last.options.find((option) => option.optionId === results.winner)?.votes ?? 0;
  const of = `${votes} of ${continuing(last)} votes in round ${last.round}`;
  const name = `“${labelOf(results, results.winner)}”`;
  return results.status === 'CLOSED' ? `Winner: ${name}, with ${of}.` : `Leading: ${name}, with ${of}.`;
}

function roundTitle(round: RunoffRound): string {
  return round.round === 1 ? 'Round 1: first preferences' : `Round ${round.round}`;
}

function roundCard(results: PollResults, round: RunoffRound, previous: Element | null, last: boolean) {
  const total = continuing(round);
  const old = previous?.querySelector(`li.round[data-round="${round.round}"]`) ?? null;
  const card = h(
    'li',
    {
      class: old || !previous ? 'round' : 'round round-enter',
      'data-round': round.round,
      'data-exhausted': round.exhausted,
      'data-eliminated': round.eliminated ?? null,
    },
    h('p', { class: 'round-title' }, roundTitle(round)),
  );
  const bars = h('ul', { class: 'round-bars' });
  for (const option of round.options) {
    const width = barWidth(option.votes, total);
    const oldFill = old?.querySelector<HTMLElement>(
      `li[data-option-id="${CSS.escape(option.optionId)}"] .bar-fill`,
    );
    const fill = h('span', { class: 'bar-fill', style: `width: ${oldFill?.style.width ?? '0%'}` });
    const eliminated = option.optionId === round.eliminated;
    const elected = last && option.optionId === results.winner && results.totalVotes > 0;
    bars.append(
      h(
        'li',
        {
          'data-option-id': option.optionId,
          'data-votes': option.votes,
          'data-state': eliminated ? 'eliminated' : elected ? 'elected' : null,
        },
        h(
          'span',
          { class: 'round-text' },
          h('span', { class: 'round-label' }, option.label),
          eliminated ? h('span', { class: 'badge badge-out' }, 'eliminated') : null,
          elected
            ? h('span', { class: 'badge badge-in' }, results.status === 'CLOSED' ? 'wins' : 'leads')
            : null,
          h(
            'span',
            { class: 'round-count' },
            `${option.votes} · ${percent.format(total === 0 ? 0 : option.votes / total)}`,
          ),
        ),
        h('span', { class: 'bar-track' }, fill),
      ),
    );
    requestAnimationFrame(() => requestAnimationFrame(() => (fill.style.width = width)));
  }
  card.append(
    bars,
    h(
      'p',
      { class: 'round-note' },
      `Exhausted ballots: ${round.exhausted}`,
      round.eliminated ? ` · “${labelOf(results, round.eliminated)}” is eliminated` : '',
    ),
  );
  if (card.classList.contains('round-enter')) {
    requestAnimationFrame(() => requestAnimationFrame(() => card.classList.remove('round-enter')));
  }
  return card;
}

/** The rounds as a table: a row per option, a column per round ("out" once eliminated). */
function roundsTable(results: PollResults, rounds: readonly RunoffRound[]): HTMLElement {
  return h(
    'table',
    { 'data-testid': 'runoff-table' },
    h('caption', {}, 'Votes in each instant-runoff round'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Option'),
        rounds.map((round) => h('th', { scope: 'col' }, `Round ${round.round}`)),
      ),
    ),
    h(
      'tbody',
      {},
      results.options.map((option) =>
        h(
          'tr',
          { 'data-option-id': option.optionId },
          h('th', { scope: 'row' }, option.label),
          rounds.map((round) => {
            const count = round.options.find((o) => o.optionId === option.optionId);
            const eliminated = round.eliminated === option.optionId;
            return h(
              'td',
              { 'data-round': round.round },
              count ? `${count.votes}${eliminated ? ', eliminated' : ''}` : 'out',
            );
          }),
        ),
      ),
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, 'Exhausted ballots'),
        rounds.map((round) => h('td', { 'data-round': round.round }, String(round.exhausted))),
      ),
    ),
  );
}

/**
 * The rounds section; `previous` is the section this one replaces (its bar widths are where the animation
 * starts). `headingLevel` sets the title's level.
 */
export function renderRounds(
  results: PollResults,
  previous: HTMLElement | null,
  headingLevel: 2 | 3 = 2,
): HTMLElement {
  const rounds = results.rounds ?? [];
  const titleId = 'runoff-title';
  return h(
    'section',
    {
      class: 'runoff',
      'aria-labelledby': titleId,
      'data-testid': 'runoff',
      'data-rounds': rounds.length,
      'data-winner': results.winner ?? null,
    },
    h(headingLevel === 2 ? 'h2' : 'h3', { id: titleId }, 'Instant-runoff rounds'),
    h('p', { class: 'runoff-outcome', 'data-testid': 'runoff-outcome' }, outcomeText(results)),
    h(
      'p',
      { class: 'hint' },
      'Each round, every ballot counts for its highest-ranked option still in; the option with the fewest votes is eliminated, until one has more than half.',
    ),
    h(
      'ol',
      { class: 'rounds', 'aria-hidden': 'true' },
      rounds.map((round, index) => roundCard(results, round, previous, index === rounds.length - 1)),
    ),
    h('div', { class: 'visually-hidden' }, roundsTable(results, rounds)),
  );
}
