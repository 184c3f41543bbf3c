/**
 * The admin page: create a poll (title, options, opening and closing times, results visibility, demographic
 * questions), get its shareable links, list polls and close them. Admin calls send a Cognito token in the
 * admins group: locally the endpoint's `custom.local.adminToken` from the outputs, or a pasted token.
 */
import type {
  CreatePollInput,
  DemographicField,
  Poll,
  PollKind,
  ResultsVisibility,
} from '../../generated/graphql.ts';
import { type Api, toApiError } from './api.ts';
import { formatInstant, h, setMessage, uid } from './dom.ts';
import {
  FIELD_LABELS,
  FIELD_ORDER,
  KIND_HINTS,
  KIND_LABELS,
  STATUS_LABELS,
  VISIBILITY_LABELS,
} from './labels.ts';
import { pollLinks } from './links.ts';
import type { View } from './view.ts';

const TOKEN_KEY = 'live-polls.adminToken';
const MIN_OPTIONS = 2;
const MAX_OPTIONS = 20;

/** The admin token in use: a pasted one (this tab), else the local endpoint's. */
export function adminToken(api: Api): string | null {
  try {
    const pasted = sessionStorage.getItem(TOKEN_KEY);
    if (pasted) return pasted;
  } catch {
    // no storage: fall through
  }
  return api.outputs.custom?.local?.adminToken ?? null;
}

function tokenSection(api: Api, onChange: () => void): HTMLElement {
  const id = uid('token');
  const input = h('input', { id, type: 'password', autocomplete: 'off', spellcheck: 'false' });
  const local = api.outputs.custom?.local?.adminToken;
  const note = h(
    'p',
    { class: 'hint' },
    local
      ? 'Using the local endpoint’s admin token (custom.local.adminToken in amplify_outputs.json). Paste another to use it instead.'
      : 'Admin actions need a Cognito token in the admins group. Paste one below; it is kept for this tab only.',
  );
  const form = h(
    'form',
    { class: 'token-form' },
    h('div', { class: 'field' }, h('label', { for: id }, 'Admin token'), input),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Use this token')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    try {
      if (input.value.trim()) sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // no storage
    }
    input.value = '';
    onChange();
  });
  return h(
    'details',
    { class: 'token', open: !local && !adminToken(api) },
    h('summary', {}, 'Admin token'),
    note,
    form,
  );
}

/** datetime-local value (local time) to AWSDateTime, or undefined when empty. */
function toInstant(value: string): string | undefined {
  return value ? new Date(value).toISOString() : undefined;
}

const KINDS: readonly PollKind[] = ['SINGLE', 'MULTIPLE', 'RANKED'];

/**
 * The ballot part of the create form: the poll's kind, its limit (maxChoices or maxRanks, shown only for the
 * kind it belongs to; empty takes the server's default, every option) and whether voters may change their vote.
 */
function ballotKindFields() {
  const limitId = uid('limit');
  const limitLabel = h('label', { for: limitId });
  const limitInput = h('input', {
    id: limitId,
    name: 'ballotLimit',
    type: 'number',
    min: 1,
    max: MAX_OPTIONS,
    inputmode: 'numeric',
    'aria-describedby': `${limitId}-hint`,
  });
  const limitField = h(
    'div',
    { class: 'field', hidden: true },
    limitLabel,
    limitInput,
    h('p', { class: 'hint', id: `${limitId}-hint` }, 'Empty: as many as there are options.'),
  );
  const changeId = uid('allow-change');
  const element = h(
    'fieldset',
    {},
    h('legend', {}, 'Ballot'),
    KINDS.map((kind) => {
      const id = uid('kind');
      return h(
        'div',
        { class: 'choice choice-described' },
        h('input', {
          type: 'radio',
          name: 'kind',
          id,
          value: kind,
          checked: kind === 'SINGLE',
          'aria-describedby': `${id}-hint`,
        }),
        h(
          'div',
          {},
          h('label', { for: id }, KIND_LABELS[kind]),
          h('p', { class: 'hint', id: `${id}-hint` }, KIND_HINTS[kind]),
        ),
      );
    }),
    limitField,
    h(
      'div',
      { class: 'choice' },
      h('input', { type: 'checkbox', name: 'allowVoteChange', id: changeId, value: 'true' }),
      h('label', { for: changeId }, 'Voters may change their vote while the poll is open'),
    ),
  );
  const kindOf = () =>
    (element.querySelector<HTMLInputElement>('input[name="kind"]:checked')?.value ?? 'SINGLE') as PollKind;
  const sync = () => {
    const kind = kindOf();
    limitField.hidden = kind === 'SINGLE';
    limitLabel.textContent =
      kind === 'RANKED' ? 'Most options a voter may rank' : 'Most options a voter may choose';
  };
  element.addEventListener('change', sync);
  sync();
  return {
    element,
    sync,
    focusLimit: () => limitInput.focus(),
    /** The input's ballot fields, or a sentence saying what is wrong with the limit. */
    read(data: FormData, optionCount: number): Partial<CreatePollInput> | string {
      const kind = kindOf();
      const fields: Partial<CreatePollInput> = { kind };
      if (data.get('allowVoteChange')) fields.allowVoteChange = true;
      const raw = String(data.get('ballotLimit') ?? '').trim();
      if (kind === 'SINGLE' || raw === '') return fields;
      const limit = Number(raw);
      if (!Number.isInteger(limit) || limit < 1 || limit > optionCount) {
        return `${limitLabel.textContent} must be a whole number from 1 to ${optionCount} (the number of options).`;
      }
      if (kind === 'MULTIPLE') fields.maxChoices = limit;
      else fields.maxRanks = limit;
      return fields;
    },
  };
}

function createForm(api: Api, onCreated: (poll: Poll) => void): HTMLElement {
  const titleId = uid('title');
  const optionList = h('ol', { class: 'option-list' });
  const addButton = h('button', { type: 'button' }, 'Add option');
  const status = h('p', { class: 'message', role: 'status', hidden: true });
  const alert = h('p', { class: 'message', role: 'alert', hidden: true, 'data-testid': 'create-error' });

  const renumber = () => {
    const rows = [...optionList.children] as HTMLElement[];
    rows.forEach((row, index) => {
      const label = row.querySelector('label');
      const remove = row.querySelector('button');
      if (label) label.textContent = `Option ${index + 1}`;
      if (remove) {
        remove.setAttribute('aria-label', `Remove option ${index + 1}`);
        remove.disabled = rows.length <= MIN_OPTIONS;
      }
    });
    addButton.disabled = rows.length >= MAX_OPTIONS;
  };
  const addOption = (focus: boolean) => {
    const id = uid('option-label');
    const input = h('input', { id, type: 'text', name: 'option', maxlength: 100, required: true });
    const row = h(
      'li',
      { class: 'option-row' },
      h('label', { for: id }),
      h('div', { class: 'inline' }, input, h('button', { type: 'button', class: 'remove' }, 'Remove')),
    );
    row.querySelector('button.remove')?.addEventListener('click', () => {
      const next = (row.nextElementSibling ?? row.previousElementSibling)?.querySelector('input');
      row.remove();
      renumber();
      next?.focus();
    });
    optionList.append(row);
    renumber();
    if (focus) input.focus();
  };
  addButton.addEventListener('click', () => addOption(true));
  for (let i = 0; i < MIN_OPTIONS; i += 1) addOption(false);

  const kindFields = ballotKindFields();
  const opensId = uid('opens');
  const regionsId = uid('regions');
  const closesId = uid('closes');
  const form = h(
    'form',
    { class: 'create-form', novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: titleId }, 'Question'),
      h('input', { id: titleId, name: 'title', type: 'text', maxlength: 200, required: true }),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Options (2 to 20)'),
      optionList,
      h('div', { class: 'actions' }, addButton),
    ),
    kindFields.element,
    h(
      'fieldset',
      {},
      h('legend', {}, 'When (optional, your local time)'),
      h(
        'div',
        { class: 'field' },
        h('label', { for: opensId }, 'Opens at'),
        h('input', {
          id: opensId,
          name: 'opensAt',
          type: 'datetime-local',
          'aria-describedby': `${opensId}-hint`,
        }),
        h('p', { class: 'hint', id: `${opensId}-hint` }, 'Empty: open now.'),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: closesId }, 'Closes at'),
        h('input', {
          id: closesId,
          name: 'closesAt',
          type: 'datetime-local',
          'aria-describedby': `${closesId}-hint`,
        }),
        h('p', { class: 'hint', id: `${closesId}-hint` }, 'Empty: open until you close it.'),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Who sees results'),
      (['ALWAYS', 'AFTER_CLOSE'] as ResultsVisibility[]).map((value) => {
        const id = uid('visibility');
        return h(
          'div',
          { class: 'choice' },
          h('input', { type: 'radio', name: 'resultsVisibility', id, value, checked: value === 'ALWAYS' }),
          h('label', { for: id }, VISIBILITY_LABELS[value]),
        );
      }),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Optional questions for voters'),
      FIELD_ORDER.map((field) => {
        const id = uid('demographic');
        return h(
          'div',
          { class: 'choice' },
          h('input', { type: 'checkbox', name: 'demographicFields', id, value: field }),
          h('label', { for: id }, FIELD_LABELS[field]),
        );
      }),
      h(
        'div',
        { class: 'field' },
        h('label', { for: regionsId }, 'Regions to choose from (one per line)'),
        h('textarea', { id: regionsId, name: 'regions', rows: 3, 'aria-describedby': `${regionsId}-hint` }),
        h(
          'p',
          { class: 'hint', id: `${regionsId}-hint` },
          'Up to 50, each up to 40 characters. Empty: Africa, Americas, Asia, Europe, Oceania.',
        ),
      ),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create poll')),
    status,
    alert,
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    setMessage(status, '');
    setMessage(alert, '');
    const token = adminToken(api);
    if (!token) {
      setMessage(alert, 'Paste an admin token first (Admin token, above).', 'error');
      return;
    }
    const data = new FormData(form);
    const title = String(data.get('title') ?? '').trim();
    const labels = data.getAll('option').map((value) => String(value).trim());
    const empty = [
      ...form.querySelectorAll<HTMLInputElement>('input[name="title"], input[name="option"]'),
    ].find((field) => !field.value.trim());
    if (empty) {
      setMessage(
        alert,
        empty.name === 'title' ? 'Enter the question.' : 'Fill in every option, or remove the empty ones.',
        'error',
      );
      empty.focus();
      return;
    }
    const input: CreatePollInput = {
      title,
      options: labels.map((label) => ({ label })),
      resultsVisibility: String(data.get('resultsVisibility') ?? 'ALWAYS') as ResultsVisibility,
      demographicFields: data.getAll('demographicFields').map(String) as DemographicField[],
    };
    const ballot = kindFields.read(data, labels.length);
    if (typeof ballot === 'string') {
      setMessage(alert, ballot, 'error');
      kindFields.focusLimit();
      return;
    }
    Object.assign(input, ballot);
    const regions = String(data.get('regions') ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    if (regions.length > 0 && input.demographicFields?.includes('REGION')) input.regions = regions;
    const opensAt = toInstant(String(data.get('opensAt') ?? ''));
    const closesAt = toInstant(String(data.get('closesAt') ?? ''));
    if (opensAt) input.opensAt = opensAt;
    if (closesAt) input.closesAt = closesAt;
    const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (submit) submit.disabled = true;
    setMessage(status, 'Creating the poll…');
    try {
      const poll = await api.createPoll(input, token);
      setMessage(status, `Poll created: “${poll.title}”.`, 'success');
      form.reset();
      while (optionList.children.length > MIN_OPTIONS) optionList.lastElementChild?.remove();
      renumber();
      kindFields.sync();
      onCreated(poll);
    } catch (thrown) {
      setMessage(status, '');
      setMessage(alert, toApiError(thrown).message, 'error');
    } finally {
      if (submit) submit.disabled = false;
    }
  });
  return form;
}

function shareBox(poll: Poll): HTMLElement {
  const links = pollLinks(poll.id);
  const row = (label: string, url: string, testid: string) => {
    const id = uid('share');
    const input = h('input', { id, type: 'text', readonly: true, value: url, 'data-testid': testid });
    const copy = h('button', { type: 'button' }, 'Copy');
    copy.addEventListener('click', async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(url);
        copy.textContent = 'Copied';
      } catch {
        copy.textContent = 'Select and copy';
      }
    });
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      h('div', { class: 'inline' }, input, copy),
    );
  };
  return h(
    'section',
    { class: 'share', 'aria-labelledby': 'share-title', 'data-poll-id': poll.id },
    h('h2', { id: 'share-title', tabindex: '-1' }, `Share “${poll.title}”`),
    row('Link to vote', links.vote, 'vote-link'),
    row('Link to the live results', links.results, 'results-link'),
    h(
      'p',
      {},
      h('a', { href: links.present }, 'Open the presenter view'),
      ' (for a projector: live results and a QR code to join)',
    ),
  );
}

function pollList(api: Api): { element: HTMLElement; refresh(): Promise<void> } {
  const list = h('ul', { class: 'poll-list', 'data-testid': 'admin-poll-list' });
  const more = h('button', { type: 'button', hidden: true }, 'Show more polls');
  const alert = h('p', { class: 'message', role: 'alert', hidden: true });
  let nextToken: string | null = null;

  const item = (poll: Poll) => {
    const close = h('button', { type: 'button', class: 'danger' }, 'Close poll');
    close.setAttribute('aria-label', `Close poll “${poll.title}”`);
    const download = h('button', { type: 'button' }, 'Download votes (CSV)');
    download.setAttribute('aria-label', `Download votes (CSV) of “${poll.title}”`);
    const downloaded = h('p', { class: 'message', role: 'status', hidden: true });
    const li = h(
      'li',
      { 'data-poll-id': poll.id, 'data-status': poll.status },
      h('h3', {}, poll.title),
      h(
        'p',
        { class: 'meta' },
        [
          STATUS_LABELS[poll.status],
          poll.status === 'SCHEDULED' && poll.opensAt ? `opens ${formatInstant(poll.opensAt)}` : '',
          poll.status !== 'CLOSED' && poll.closesAt ? `closes ${formatInstant(poll.closesAt)}` : '',
          `${poll.options.length} options`,
          poll.demographicFields.length
            ? `asks ${poll.demographicFields.map((f) => FIELD_LABELS[f].toLowerCase()).join(', ')}`
            : '',
        ]
          .filter(Boolean)
          .join(' · '),
      ),
      h(
        'p',
        { class: 'links' },
        h('a', { href: `#/poll/${encodeURIComponent(poll.id)}` }, 'Vote page'),
        ' ',
        h('a', { href: `#/poll/${encodeURIComponent(poll.id)}/results` }, 'Results'),
        ' ',
        h('a', { href: `#/admin/poll/${encodeURIComponent(poll.id)}/results` }, 'Results as admin'),
        ' ',
        h('a', { href: `#/poll/${encodeURIComponent(poll.id)}/present` }, 'Presenter view'),
      ),
      h('div', { class: 'actions' }, download, poll.status === 'CLOSED' ? null : close),
      downloaded,
    );
    download.addEventListener('click', async () => {
      const token = adminToken(api);
      if (!token) {
        setMessage(alert, 'Paste an admin token first (Admin token, above).', 'error');
        return;
      }
      download.disabled = true;
      try {
        const file = await api.exportDownload(poll.id, token);
        // The file is served as an attachment: the browser saves it and this page stays.
        location.assign(file.url);
        downloaded.replaceChildren(
          `${file.rows} ${file.rows === 1 ? 'vote' : 'votes'} exported so far (the export runs every few minutes). `,
          h('a', { href: file.url, 'data-testid': 'download-link' }, 'Download again'),
          ` until ${formatInstant(file.expiresAt)}.`,
        );
        downloaded.hidden = false;
        setMessage(alert, '');
      } catch (thrown) {
        setMessage(alert, toApiError(thrown).message, 'error');
      } finally {
        download.disabled = false;
      }
    });
    close.addEventListener('click', async () => {
      const token = adminToken(api);
      if (!token) {
        setMessage(alert, 'Paste an admin token first (Admin token, above).', 'error');
        return;
      }
      close.disabled = true;
      try {
        const closed = await api.closePoll(poll.id, token);
        const replacement = item(closed);
        li.replaceWith(replacement);
        replacement.querySelector('h3')?.setAttribute('tabindex', '-1');
        replacement.querySelector<HTMLElement>('h3')?.focus();
        setMessage(alert, '');
      } catch (thrown) {
        close.disabled = false;
        setMessage(alert, toApiError(thrown).message, 'error');
      }
    });
    return li;
  };

  const load = async (reset: boolean) => {
    try {
      const items: Poll[] = [];
      let token = reset ? null : nextToken;
      // A page may hold fewer than `limit` polls, even none (open ones first, then closed ones): read on
      // until there is something to show or nothing left.
      do {
        const page = await api.listPolls({ limit: 20, nextToken: token });
        items.push(...page.items);
        token = page.nextToken ?? null;
      } while (items.length === 0 && token);
      if (reset) list.replaceChildren();
      list.append(...items.map(item));
      nextToken = token;
      more.hidden = !nextToken;
      if (list.children.length === 0) list.append(h('li', { class: 'hint' }, 'No polls yet.'));
      setMessage(alert, '');
    } catch (thrown) {
      setMessage(alert, toApiError(thrown).message, 'error');
    }
  };
  more.addEventListener('click', () => void load(false));
  const element = h(
    'section',
    { 'aria-labelledby': 'polls-title' },
    h('h2', { id: 'polls-title' }, 'Polls'),
    alert,
    list,
    h('div', { class: 'actions' }, more),
  );
  return { element, refresh: () => load(true) };
}

export function mountAdminView(container: HTMLElement, api: Api): View {
  const shareSlot = h('div', {});
  const polls = pollList(api);
  const tokenSlot = h('div', {});
  const renderToken = () => tokenSlot.replaceChildren(tokenSection(api, renderToken));
  renderToken();
  container.replaceChildren(
    h('h1', { tabindex: '-1', class: 'view-title' }, 'Admin'),
    tokenSlot,
    h(
      'section',
      { 'aria-labelledby': 'create-title' },
      h('h2', { id: 'create-title' }, 'New poll'),
      createForm(api, (poll) => {
        shareSlot.replaceChildren(shareBox(poll));
        shareSlot.querySelector<HTMLElement>('h2')?.focus();
        void polls.refresh();
      }),
    ),
    shareSlot,
    polls.element,
  );
  return { ready: polls.refresh(), destroy() {} };
}
