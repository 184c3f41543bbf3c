/**
 * The voter's page for one poll: make a ballot (one option, several, or a ranking: ballot-controls.ts),
 * optionally answer the poll's demographic questions, vote. The vote carries this device's voter token
 * (device.ts); the receipt's ballot is kept on the device and shown, and where the poll allows vote changes
 * the same form sends a new ballot ("Change my vote"). The receipt's `duplicate` and every contract error
 * become a sentence.
 */
import type { DemographicsInput, Poll } from '../../generated/graphql.ts';
import { type Api, ApiError, toApiError } from './api.ts';
import { ballotControl } from './ballot-controls.ts';
import { idempotencyKey, rememberedVote, rememberVote, voterToken } from './device.ts';
import { formatInstant, h, setMessage, uid } from './dom.ts';
import {
  answerLabel,
  FIELD_INPUT,
  FIELD_LABELS,
  FIELD_ORDER,
  KIND_LABELS,
  ordinal,
  STATUS_LABELS,
} from './labels.ts';
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

/** The ballot in words: “Tea”, “Coffee” (poll order), or 1st “Tea”, 2nd “Coffee” for a ranking. */
export function ballotWords(poll: Poll, optionIds: readonly string[]): string {
  const label = (id: string) => `“${poll.options.find((option) => option.id === id)?.label ?? id}”`;
  return poll.kind === 'RANKED'
    ? optionIds.map((id, index) => `${ordinal(index + 1)} ${label(id)}`).join(', ')
    : optionIds.map(label).join(', ');
}

/** "your vote for “Tea”" or "your ranking (1st “Tea”, 2nd “Coffee”)". */
function ballotPhrase(poll: Poll, optionIds: readonly string[]): string {
  return poll.kind === 'RANKED'
    ? `your ranking (${ballotWords(poll, optionIds)})`
    : `your vote for ${ballotWords(poll, optionIds)}`;
}

/** What the device's kept receipt says, above the form. */
function previousText(poll: Poll, optionIds: readonly string[]): string {
  const said =
    poll.kind === 'RANKED'
      ? `This device’s ranking in this poll: ${ballotWords(poll, optionIds)}.`
      : `This device has voted in this poll, for ${ballotWords(poll, optionIds)}.`;
  return poll.allowVoteChange && poll.status !== 'CLOSED'
    ? `${said} You can change your vote until the poll closes: change your choice below and press “Change my vote”.`
    : said;
}

function renderPoll(api: Api, poll: Poll): Node[] {
  const facts: string[] = [STATUS_LABELS[poll.status], KIND_LABELS[poll.kind]];
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
  const previous = rememberedVote(poll.id)?.optionIds.filter((id) =>
    poll.options.some((option) => option.id === id),
  );
  const previousNote = h('p', { class: 'hint', 'data-testid': 'previous-vote', hidden: true });
  const showPrevious = (optionIds: readonly string[] | undefined) => {
    previousNote.hidden = !optionIds?.length;
    previousNote.textContent = optionIds?.length ? previousText(poll, optionIds) : '';
  };
  showPrevious(previous);
  if (poll.status === 'CLOSED') {
    return [
      meta,
      h('p', { class: 'message', 'data-kind': 'info' }, 'This poll is closed: it no longer takes votes.'),
      previousNote,
      resultsLink,
    ];
  }

  const status = h('p', { class: 'message', role: 'status', hidden: true, 'data-testid': 'vote-message' });
  const alert = h('p', { class: 'message', role: 'alert', hidden: true, 'data-testid': 'vote-error' });
  const choices = ballotControl(poll, previous ?? []);

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

  // With vote change, a device that voted sends its new ballot with "Change my vote".
  const submitLabel = (voted: boolean) => (voted && poll.allowVoteChange ? 'Change my vote' : 'Vote');
  const submit = h('button', { type: 'submit', class: 'primary' }, submitLabel(Boolean(previous?.length)));
  const form = h(
    'form',
    { class: 'vote-form', novalidate: true },
    previousNote,
    choices.element,
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

  // One key per attempt: pressing Vote again after a network failure retries the same ballot with the same
  // key (so a change that did land is not made twice); any edit to the form starts a new attempt.
  let attemptKey: string | null = null;
  let attemptBallot = '';
  const newAttempt = () => {
    attemptKey = null;
  };
  form.addEventListener('change', newAttempt);
  choices.onChange(newAttempt);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    setMessage(status, '');
    setMessage(alert, '');
    const problem = choices.problem();
    if (problem) {
      setMessage(alert, problem, 'error');
      choices.focus();
      return;
    }
    const optionIds = choices.ballot();
    const data = new FormData(form);
    const demographics: DemographicsInput = {};
    for (const field of poll.demographicFields) {
      const value = String(data.get(FIELD_INPUT[field]) ?? '');
      if (value) demographics[FIELD_INPUT[field]] = value;
    }
    const ballotKey = JSON.stringify(optionIds);
    if (!attemptKey || attemptBallot !== ballotKey) {
      attemptKey = idempotencyKey();
      attemptBallot = ballotKey;
    }
    const token = voterToken();
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    setMessage(status, 'Sending your vote…');
    try {
      const receipt = await api.castVote({
        pollId: poll.id,
        // SINGLE keeps sending optionId, as clients did before there were kinds.
        ...(poll.kind === 'SINGLE' ? { optionId: optionIds[0] } : { optionIds }),
        ...(token ? { voterToken: token } : {}),
        idempotencyKey: attemptKey,
        ...(Object.keys(demographics).length > 0 ? { demographics } : {}),
      });
      const recorded = receipt.optionIds?.length ? receipt.optionIds : [receipt.optionId];
      rememberVote(poll.id, { ...receipt, optionIds: recorded });
      showPrevious(recorded);
      submit.textContent = submitLabel(true);
      const phrase = ballotPhrase(poll, recorded);
      setMessage(
        status,
        receipt.duplicate
          ? DUPLICATE_VOTE_MESSAGE
          : receipt.replacedVoteId
            ? `Changed: ${phrase} is counted, in place of your earlier vote.`
            : `Thank you: ${phrase} is counted.`,
        'success',
      );
      status.dataset.duplicate = String(receipt.duplicate);
      status.dataset.changed = String(Boolean(receipt.replacedVoteId) && !receipt.duplicate);
      attemptKey = null;
    } catch (thrown) {
      const failure = toApiError(thrown);
      setMessage(status, '');
      setMessage(
        alert,
        // With vote change, AlreadyVoted means a change raced another or hit the limit: the server says which.
        failure.kind === 'AlreadyVoted' && poll.allowVoteChange && failure.detail
          ? `Your vote was not changed: ${failure.detail}`
          : failure.message,
        'error',
      );
      alert.dataset.errorKind = failure.kind;
      if (failure.kind !== 'Network') attemptKey = null;
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return [meta, form, resultsLink];
}
