/**
 * The voter's page for one poll: pick an option, optionally answer the poll's demographic questions, vote.
 * The vote carries this device's voter token (device.ts); the receipt's `duplicate` and every contract
 * error become a sentence.
 */
import type { DemographicsInput, Poll } from '../../generated/graphql.ts';
import { type Api, ApiError, toApiError } from './api.ts';
import { idempotencyKey, rememberedVote, rememberVote, voterToken } from './device.ts';
import { formatInstant, h, setMessage, uid } from './dom.ts';
import { answerLabel, FIELD_INPUT, FIELD_LABELS, FIELD_ORDER, STATUS_LABELS } from './labels.ts';
import { DUPLICATE_VOTE_MESSAGE } from './messages.ts';
import type { View } from './view.ts';

export function mountVoteView(container: HTMLElement, api: Api, pollId: string): View {
  const title = h('h1', { tabindex: '-1', class: 'view-title' }, 'Poll');
  const content = h('div', {}, h('p', { class: 'hint' }, 'Loading the poll…'));
  container.replaceChildren(title, content);

  const ready = (async () => {
    let poll: Poll | null;
    try {
      poll = await api.poll(pollId);
    } catch (thrown) {
      content.replaceChildren(
        h('p', { class: 'message', role: 'alert', 'data-kind': 'error' }, toApiError(thrown).message),
      );
      return;
    }
    if (!poll) {
      title.textContent = 'Poll not found';
      content.replaceChildren(
        h(
          'p',
          { class: 'message', role: 'alert', 'data-kind': 'error' },
          new ApiError('PollNotFound', '').message,
        ),
      );
      return;
    }
    title.textContent = poll.title;
    document.title = `${poll.title} · Live polls`;
    content.replaceChildren(...renderPoll(api, poll));
  })();
  return { ready, destroy() {} };
}

function renderPoll(api: Api, poll: Poll): Node[] {
  const facts: string[] = [STATUS_LABELS[poll.status]];
  if (poll.status === 'SCHEDULED' && poll.opensAt) facts.push(`opens ${formatInstant(poll.opensAt)}`);
  if (poll.status !== 'CLOSED' && poll.closesAt) facts.push(`closes ${formatInstant(poll.closesAt)}`);
  if (poll.status === 'CLOSED' && (poll.closedAt ?? poll.closesAt)) {
    facts.push(`closed ${formatInstant(poll.closedAt ?? poll.closesAt)}`);
  }
  const resultsLink = h(
    'p',
    {},
    h('a', { href: `#/poll/${encodeURIComponent(poll.id)}/results` }, 'See the live results'),
    poll.resultsVisibility === 'AFTER_CLOSE' && poll.status !== 'CLOSED'
      ? ' (shown once the poll closes)'
      : '',
  );
  const meta = h('p', { class: 'meta' }, facts.join(' · '));
  if (poll.status === 'CLOSED') {
    return [
      meta,
      h('p', { class: 'message', 'data-kind': 'info' }, 'This poll is closed: it no longer takes votes.'),
      resultsLink,
    ];
  }

  const previous = rememberedVote(poll.id);
  const previousLabel = poll.options.find((option) => option.id === previous)?.label;
  const status = h('p', { class: 'message', role: 'status', hidden: true, 'data-testid': 'vote-message' });
  const alert = h('p', { class: 'message', role: 'alert', hidden: true, 'data-testid': 'vote-error' });

  const choices = h(
    'fieldset',
    {},
    h('legend', {}, 'Your choice'),
    poll.options.map((option) => {
      const id = uid('option');
      return h(
        'div',
        { class: 'choice' },
        h('input', {
          type: 'radio',
          name: 'option',
          id,
          value: option.id,
          required: true,
          checked: option.id === previous,
        }),
        h('label', { for: id }, option.label),
      );
    }),
  );

  const questions =
    poll.demographicFields.length === 0
      ? null
      : h(
          'fieldset',
          {},
          h('legend', {}, 'About you (optional)'),
          h('p', { class: 'hint' }, 'Answers are only ever shown as counts, never with your vote.'),
          FIELD_ORDER.filter((field) => poll.demographicFields.includes(field)).map((field) => {
            const id = uid('field');
            return h(
              'div',
              { class: 'field' },
              h('label', { for: id }, FIELD_LABELS[field]),
              h(
                'select',
                { id, name: FIELD_INPUT[field] },
                h('option', { value: '' }, 'No answer'),
                // The answers the poll accepts: castVote refuses anything else.
                (poll.demographicValues.find((allowed) => allowed.field === field)?.values ?? []).map(
                  (value) => h('option', { value }, answerLabel(field, value)),
                ),
              ),
            );
          }),
        );

  const submit = h('button', { type: 'submit', class: 'primary' }, 'Vote');
  const form = h(
    'form',
    { class: 'vote-form', novalidate: true },
    previousLabel
      ? h(
          'p',
          { class: 'hint', 'data-testid': 'previous-vote' },
          `This device has voted in this poll, for “${previousLabel}”.`,
        )
      : null,
    choices,
    questions,
    h('div', { class: 'actions' }, submit),
    status,
    alert,
  );
  if (poll.status === 'SCHEDULED') {
    form.prepend(
      h('p', { class: 'message', 'data-kind': 'info' }, `Voting opens ${formatInstant(poll.opensAt)}.`),
    );
  }

  // One key per attempt: pressing Vote again after a network failure retries the same vote.
  let attemptKey: string | null = null;
  let attemptChoice = '';
  form.addEventListener('change', () => {
    attemptKey = null;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    setMessage(status, '');
    setMessage(alert, '');
    const data = new FormData(form);
    const optionId = String(data.get('option') ?? '');
    if (!optionId) {
      setMessage(alert, 'Pick one of the options first.', 'error');
      form.querySelector<HTMLInputElement>('input[name="option"]')?.focus();
      return;
    }
    const demographics: DemographicsInput = {};
    for (const field of poll.demographicFields) {
      const value = String(data.get(FIELD_INPUT[field]) ?? '');
      if (value) demographics[FIELD_INPUT[field]] = value;
    }
    if (!attemptKey || attemptChoice !== optionId) {
      attemptKey = idempotencyKey();
      attemptChoice = optionId;
    }
    const token = voterToken();
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    setMessage(status, 'Sending your vote…');
    try {
      const receipt = await api.castVote({
        pollId: poll.id,
        optionId,
        ...(token ? { voterToken: token } : {}),
        idempotencyKey: attemptKey,
        ...(Object.keys(demographics).length > 0 ? { demographics } : {}),
      });
      rememberVote(poll.id, receipt.optionId);
      const label = poll.options.find((option) => option.id === receipt.optionId)?.label ?? receipt.optionId;
      setMessage(
        status,
        receipt.duplicate ? DUPLICATE_VOTE_MESSAGE : `Thank you: your vote for “${label}” is counted.`,
        'success',
      );
      status.dataset.duplicate = String(receipt.duplicate);
      attemptKey = null;
    } catch (thrown) {
      const failure = toApiError(thrown);
      setMessage(status, '');
      setMessage(alert, failure.message, 'error');
      alert.dataset.errorKind = failure.kind;
      if (failure.kind !== 'Network') attemptKey = null;
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return [meta, form, resultsLink];
}
