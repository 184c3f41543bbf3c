/**
 * The demographic breakdown as pictures: per question (age group, region, …), per answer, a bar per option
 * with its votes and its share of that answer's votes. The bars are drawn for the eye only (aria-hidden);
 * the same numbers sit in a table that screen readers read (visually hidden, not display:none), so nobody
 * has to read a chart to get them.
 */
import type { DemographicField, PollResults } from '../../generated/graphql.ts';
import { h } from './dom.ts';
import { answerLabel, FIELD_LABELS, FIELD_ORDER } from './labels.ts';

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

/** "n votes · p%" of `votes` out of `total` (0% when there is none). */
export function countAndShare(votes: number, total: number): string {
  return `${votes} ${votes === 1 ? 'vote' : 'votes'} · ${percent.format(total === 0 ? 0 : votes / total)}`;
}

/** The bar's width in percent of its track, two decimals. */
export function barWidth(votes: number, total: number): string {
  return `${(total === 0 ? 0 : (votes / total) * 100).toFixed(2)}%`;
}

/** One field's counts: answers sorted, votes per answer and option. */
function fieldCounts(results: PollResults, field: DemographicField) {
  const rows = results.demographics.filter((count) => count.field === field);
  const values = [...new Set(rows.map((row) => row.value))].sort((a, b) => a.localeCompare(b));
  const votesOf = (value: string, optionId: string) =>
    rows.find((row) => row.value === value && row.optionId === optionId)?.votes ?? 0;
  const totalOf = (value: string) =>
    results.options.reduce((sum, option) => sum + votesOf(value, option.optionId), 0);
  return { values, votesOf, totalOf };
}

function chart(results: PollResults, field: DemographicField): HTMLElement {
  const { values, votesOf, totalOf } = fieldCounts(results, field);
  return h(
    'div',
    { class: 'chart', 'aria-hidden': 'true', 'data-chart': field },
    values.map((value) =>
      h(
        'div',
        { class: 'chart-group', 'data-value': value },
        h(
          'p',
          { class: 'chart-group-title' },
          h('strong', {}, answerLabel(field, value)),
          ` · ${totalOf(value)} ${totalOf(value) === 1 ? 'vote' : 'votes'}`,
        ),
        results.options.map((option, index) => {
          const votes = votesOf(value, option.optionId);
          return h(
            'div',
            {
              class: 'chart-bar',
              'data-option-id': option.optionId,
              'data-votes': votes,
              'data-share': barWidth(votes, totalOf(value)),
            },
            h('span', { class: 'chart-bar-label' }, option.label),
            h(
              'span',
              { class: 'bar-track' },
              h('span', {
                class: `bar-fill series-${index % 6}`,
                style: `width: ${barWidth(votes, totalOf(value))}`,
              }),
            ),
            h('span', { class: 'chart-bar-count' }, countAndShare(votes, totalOf(value))),
          );
        }),
      ),
    ),
  );
}

function table(results: PollResults, field: DemographicField): HTMLElement {
  const { values, votesOf, totalOf } = fieldCounts(results, field);
  return h(
    'table',
    { 'data-field': field },
    h('caption', {}, `${FIELD_LABELS[field]}: votes per option for each answer`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Answer'),
        results.options.map((option) => h('th', { scope: 'col' }, option.label)),
        h('th', { scope: 'col' }, 'Total'),
      ),
    ),
    h(
      'tbody',
      {},
      values.map((value) =>
        h(
          'tr',
          { 'data-value': value },
          h('th', { scope: 'row' }, answerLabel(field, value)),
          results.options.map((option) =>
            h('td', { 'data-option-id': option.optionId }, String(votesOf(value, option.optionId))),
          ),
          h('td', { 'data-total': '' }, String(totalOf(value))),
        ),
      ),
    ),
  );
}

/** The breakdown section for the fields a poll collects; `headingLevel` is its title's level. */
export function renderBreakdown(
  results: PollResults,
  fields: readonly DemographicField[],
  headingLevel: 2 | 3 = 3,
): HTMLElement {
  const titleTag = headingLevel === 2 ? 'h2' : 'h3';
  const fieldTag = headingLevel === 2 ? 'h3' : 'h4';
  const section = h('section', { class: 'breakdown', 'aria-labelledby': 'breakdown-title' });
  section.append(h(titleTag, { id: 'breakdown-title' }, 'Who voted for what'));
  section.append(
    h(
      'p',
      { class: 'hint' },
      'Answers to the optional questions, only ever shown as counts. Each bar is a share of the votes with that answer.',
    ),
  );
  for (const field of FIELD_ORDER.filter((f) => fields.includes(f))) {
    section.append(h(fieldTag, {}, FIELD_LABELS[field]));
    if (!results.demographics.some((count) => count.field === field)) {
      section.append(h('p', { class: 'hint' }, 'No answers yet.'));
      continue;
    }
    // Hidden by a wrapper: a table's own width rules would outgrow the 1 px box (and scroll a phone sideways).
    section.append(
      h(
        'figure',
        { class: 'chart-figure' },
        chart(results, field),
        h('div', { class: 'visually-hidden' }, table(results, field)),
      ),
    );
  }
  return section;
}
