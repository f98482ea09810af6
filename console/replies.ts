/**
 * The Replies view: what the assistant sent (GET /api/v1/replies), newest first, and flagging a reply
 * that was wrong (POST /api/v1/agent-tasks/:id/feedback) with the agent's name from the top bar.
 */
import { agentName } from './agent';
import { $, el } from './dom';
import { ApiError, flagReply, replies, type Feedback, type Reply } from './api';

const CATEGORIES = ['incorrect', 'outdated', 'inappropriate', 'incomplete'] as const satisfies ReadonlyArray<Feedback['category']>;
// Every category the API takes is offered (a new one fails the typecheck here).
const allOffered: Feedback['category'] extends (typeof CATEGORIES)[number] ? true : never = true;
void allOffered;

let shown: Reply[] = [];
let nextCursor: string | null = null;
let loading = 0;

const filters = () => ({
  namespace: $<HTMLInputElement>('replies-namespace').value.trim(),
  window: $<HTMLSelectElement>('replies-window').value,
  flagged: $<HTMLSelectElement>('replies-flagged').value as '' | 'true' | 'false',
});

/** Loads the first page for the filters (or, with `more`, the next page) and draws the list. */
export async function showReplies(more = false): Promise<void> {
  const status = $('replies-status');
  const load = ++loading;
  status.textContent = 'Loading…';
  try {
    const page = await replies({ ...filters(), cursor: more ? (nextCursor ?? undefined) : undefined });
    if (load !== loading) return; // the filters changed meanwhile
    shown = more ? [...shown, ...page.data] : page.data;
    nextCursor = page.nextCursor;
    status.textContent = `${page.namespace}: ${shown.length}${nextCursor ? '+' : ''} ${shown.length === 1 ? 'reply' : 'replies'} by the assistant`;
  } catch (err) {
    if (load !== loading) return;
    status.textContent = `Could not load the replies: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  const list = $('replies-list');
  if (more) list.append(...shown.slice(list.children.length).map(item));
  else list.replaceChildren(...shown.map(item));
  $('replies-empty').hidden = shown.length > 0;
  $('replies-more').hidden = !nextCursor;
}

const flagged = (f: Feedback) => `flagged by ${f.agent} ${new Date(f.createdAt).toLocaleString()}${f.note ? `: ${f.note}` : ''}`;

/** A badge per flag, and who flagged it why (the notes are what the next person reads). */
function flagBadges(reply: Reply): HTMLElement[] {
  return reply.flags.map((f) => el('span', { class: 'badge flag', 'data-category': f.category, title: flagged(f) }, `flagged ${f.category}`));
}
function flagNotes(reply: Reply): HTMLElement[] {
  return reply.flags.map((f) => el('li', {}, `${f.category}, ${flagged(f)}`));
}

/** One reply: who asked what, what was sent, its flags, and the Flag action. */
function item(reply: Reply): HTMLElement {
  const edited = reply.attribution === 'assistant_edited';
  const badges = el('span', { class: 'flags' }, ...flagBadges(reply));
  const notes = el('ul', { class: 'flag-notes', 'aria-label': 'Flags' }, ...flagNotes(reply));
  const flagButton = el('button', { type: 'button', class: 'quiet', 'aria-expanded': 'false' }, 'Flag') as HTMLButtonElement;
  const li = el(
    'li',
    { class: 'reply-item', 'data-task-id': reply.taskId },
    el(
      'div',
      { class: 'line' },
      el('span', { class: `badge ${edited ? 'edited' : 'ai'}` }, edited ? 'AI, edited by a person' : 'AI'),
      reply.intent ? el('span', { class: 'badge intent' }, reply.intent) : null,
      el('span', { class: 'muted' }, `${reply.channel}${reply.contactName ? ` · ${reply.contactName}` : ''}`),
      el('time', { class: 'muted', datetime: reply.finishedAt }, new Date(reply.finishedAt).toLocaleString()),
      badges,
    ),
    el('p', { class: 'question' }, el('span', { class: 'speaker' }, 'Customer: '), reply.question ?? '(no text)'),
    el('p', { class: 'answer' }, el('span', { class: 'speaker' }, 'Sent: '), reply.reply),
    edited && reply.draft ? el('details', {}, el('summary', {}, "The assistant's draft"), el('p', { class: 'answer' }, reply.draft)) : null,
    notes,
    el('div', { class: 'actions' }, flagButton),
  );
  flagButton.addEventListener('click', () => {
    const open = li.querySelector('form');
    if (open) return closeForm(li, flagButton);
    flagButton.setAttribute('aria-expanded', 'true');
    li.append(
      flagForm(reply, li, flagButton, () => {
        badges.replaceChildren(...flagBadges(reply));
        notes.replaceChildren(...flagNotes(reply));
      }),
    );
    li.querySelector('select')?.focus();
  });
  return li;
}

function closeForm(li: HTMLElement, flagButton: HTMLButtonElement) {
  li.querySelector('form')?.remove();
  flagButton.setAttribute('aria-expanded', 'false');
  flagButton.focus();
}

/** The small form under a reply: what was wrong, a note, and the result (or why the API refused). */
function flagForm(reply: Reply, li: HTMLElement, flagButton: HTMLButtonElement, redraw: () => void): HTMLFormElement {
  const id = reply.taskId;
  const category = el('select', { id: `flag-category-${id}`, name: 'category' }, ...CATEGORIES.map((c) => el('option', { value: c }, c))) as HTMLSelectElement;
  const note = el('textarea', { id: `flag-note-${id}`, name: 'note', rows: '2', maxlength: '2000' }) as HTMLTextAreaElement;
  const result = el('p', { class: 'result', role: 'alert' });
  const submit = el('button', { type: 'submit' }, 'Flag reply') as HTMLButtonElement;
  const cancel = el('button', { type: 'button', class: 'quiet' }, 'Cancel');
  const form = el(
    'form',
    { class: 'flag-form' },
    el('label', { for: category.id }, 'What was wrong'),
    category,
    el('label', { for: note.id }, 'Note (optional)'),
    note,
    el('div', { class: 'actions' }, submit, cancel),
    result,
  ) as HTMLFormElement;
  const say = (text: string, tone: 'ok' | 'bad' | '') => {
    result.textContent = text;
    result.className = `result ${tone}`;
  };
  cancel.addEventListener('click', () => closeForm(li, flagButton));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const agent = agentName((text) => say(text, 'bad'), 'it is recorded with your flag');
    if (!agent) return;
    submit.disabled = true;
    say('Flagging…', '');
    const text = note.value.trim();
    flagReply(id, { category: category.value, agent, ...(text ? { note: text } : {}) }).then(
      (saved) => {
        reply.flags.push(saved);
        redraw();
        closeForm(li, flagButton);
      },
      (err: unknown) => {
        submit.disabled = false;
        if (err instanceof ApiError && err.status === 404) say('Not flagged: this task is gone, or not in your namespace.', 'bad');
        else if (err instanceof ApiError) say(`Not flagged (${err.code}): ${err.message}`, 'bad');
        else say(`Not flagged: ${String(err)}`, 'bad');
      },
    );
  });
  return form;
}
