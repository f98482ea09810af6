/** The agent console: sign in, the inbox of open escalations and approvals, a task, the live feed. */
import { AGENT, agentName } from './agent';
import { $, el } from './dom';
import { showDashboard } from './dashboard';
import { showReplies } from './replies';
import {
  ApiError,
  claim,
  closeCodecSession,
  consoleConfig,
  decide,
  inbox,
  liveFeed,
  openCodecSession,
  session,
  taskDetail,
  templates,
  type ConsoleConfig,
  type FeedEvent,
  type InboxEntry,
  type TemplateList,
  type ToolCall,
} from './api';

const time = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString() : '');
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

const ACTIONS = {
  escalation: {
    label: 'Reply to the customer',
    buttons: [
      ['reply', 'Send reply', ''],
      ['handback', 'Hand back to the assistant', 'quiet'],
      ['close', 'Close', 'danger'],
    ],
  },
  approval: {
    label: 'Answer (edit the draft before sending, if needed)',
    buttons: [
      ['approve', 'Approve draft', ''],
      ['edit', 'Send edited text', ''],
      ['reject', 'Reject', 'danger'],
    ],
  },
} as const;

let config: ConsoleConfig = { temporalUiUrl: 'http://localhost:8233', temporalNamespace: 'default' };
let entries: InboxEntry[] = [];
let fetchedAt = 0;
let current: InboxEntry | undefined;
let stopFeed: (() => void) | undefined;
let pollTimer: number | undefined;
let firstRender = true;

// ---- sign in ------------------------------------------------------------------------------

function showSignIn(message = '') {
  stopFeed?.();
  window.clearInterval(pollTimer);
  showView(undefined);
  $('who').hidden = true;
  $('signin-view').hidden = false;
  $('signin-error').textContent = message;
  $<HTMLInputElement>('api-key').focus();
}

async function showConsole() {
  $('signin-view').hidden = true;
  showView('inbox');
  $('who').hidden = false;
  $<HTMLInputElement>('agent-name').value = sessionStorage.getItem(AGENT) ?? '';
  await refreshInbox();
  if (!session.key) return; // the key was refused
  stopFeed = liveFeed(onFeedEvent, (state, opened) => {
    const pill = $('connection');
    pill.textContent = state === 'live' ? 'live' : 'reconnecting…';
    pill.classList.toggle('live', state === 'live');
    $('feed-note').textContent = state === 'live' || opened ? '' : 'The live feed is not available to this key; the inbox refreshes every 5 seconds.';
  });
  pollTimer = window.setInterval(() => {
    if (!$('connection').classList.contains('live')) void refreshInbox();
    else renderInbox(); // waiting times move on
  }, 5000);
}

$('signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const key = $<HTMLInputElement>('api-key').value.trim();
  if (!key) return showSignIn('Enter an API key.');
  session.key = key;
  inbox().then(
    () => {
      $<HTMLInputElement>('api-key').value = '';
      void openCodecSession();
      void showConsole();
    },
    (err: unknown) => {
      session.key = null;
      showSignIn(err instanceof ApiError && err.status === 401 ? 'That key is not valid.' : `Could not sign in: ${String(err)}`);
    },
  );
});
$('sign-out').addEventListener('click', () => {
  session.key = null;
  void closeCodecSession();
  current = undefined;
  $('task-view').hidden = true;
  $('task-empty').hidden = false;
  showSignIn();
});
$('agent-name').addEventListener('change', () => sessionStorage.setItem(AGENT, $<HTMLInputElement>('agent-name').value.trim()));

// ---- inbox --------------------------------------------------------------------------------

async function refreshInbox() {
  try {
    entries = await inbox();
    fetchedAt = Date.now();
    renderInbox();
    refreshOpenTask();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      session.key = null;
      showSignIn('The key was revoked or is not valid any more.');
    }
  }
}

let refreshQueued: number | undefined;
const queueRefresh = () => {
  window.clearTimeout(refreshQueued);
  refreshQueued = window.setTimeout(() => void refreshInbox(), 150);
};

function renderInbox() {
  const list = $('inbox-list');
  const since = Date.now() - fetchedAt;
  list.replaceChildren(
    ...entries.map((entry) => {
      const lastInbound = [...entry.transcript].reverse().find((m) => m.direction === 'inbound');
      const waited = entry.waitingMs + since;
      const button = el(
        'button',
        { type: 'button', class: 'inbox-item', 'data-task-id': entry.taskId, 'aria-current': String(entry.taskId === current?.taskId) },
        el(
          'span',
          { class: 'line' },
          el('span', { class: `badge ${entry.kind}` }, entry.kind === 'approval' ? 'Approval' : 'Escalation'),
          el(
            'span',
            { class: `badge wait${waited > 15 * 60_000 ? ' old' : ''}`, title: `waiting since ${new Date(entry.createdAt).toLocaleString()}` },
            `waiting ${duration(waited)}`,
          ),
          el('span', { class: 'muted' }, entry.task.channel),
          ...windowBadge(entry),
          ...claimBadge(entry),
        ),
        el('span', { class: 'preview' }, lastInbound?.text ?? '(no text)'),
      );
      button.addEventListener('click', () => void openTask(entry));
      return el('li', {}, button);
    }),
  );
  $('inbox-count').textContent = String(entries.length);
  $('inbox-empty').hidden = entries.length > 0;
  if (firstRender) {
    firstRender = false;
    performance.mark('inbox-rendered');
    document.body.dataset.firstRenderMs = String(Math.round(performance.now()));
  }
}

/** WhatsApp's 24-hour window: a countdown while it is open, a warning once it has closed. */
function windowBadge(entry: InboxEntry): HTMLElement[] {
  const { window: w } = entry;
  if (!w.applies || !w.closesAt) return [];
  const left = Date.parse(w.closesAt) - Date.now();
  return [
    el(
      'span',
      {
        class: `badge window${left <= 0 ? ' closed' : ''}`,
        title: `WhatsApp window ${left <= 0 ? 'closed' : 'closes'} ${new Date(w.closesAt).toLocaleString()}`,
      },
      left <= 0 ? 'window closed' : `window ${duration(left)} left`,
    ),
  ];
}

/** Whose it is: claimed by someone (while their claim holds), or offered to whom. */
const claimHolds = (entry: InboxEntry) => Boolean(entry.claimedBy && entry.claimActiveUntil && Date.parse(entry.claimActiveUntil) > Date.now());
function claimBadge(entry: InboxEntry): HTMLElement[] {
  if (claimHolds(entry)) return [el('span', { class: 'badge claimed', 'data-claimed-by': entry.claimedBy! }, `claimed by ${entry.claimedBy}`)];
  return entry.offeredTo ? [el('span', { class: 'muted' }, `offered to ${entry.offeredTo}`)] : [];
}

/** The claim of the open task: who holds it, and the button to take it. */
function renderClaim(entry: InboxEntry) {
  const me = $<HTMLInputElement>('agent-name').value.trim();
  const mine = claimHolds(entry) && entry.claimedBy === me;
  const button = $<HTMLButtonElement>('claim');
  button.hidden = mine;
  button.disabled = claimHolds(entry);
  $('claim-status').textContent = claimHolds(entry)
    ? mine
      ? 'Claimed by you: it stays yours while this task is open.'
      : `Claimed by ${entry.claimedBy}: only they can answer while their claim holds.`
    : entry.offeredTo
      ? `Not claimed yet; offered to ${entry.offeredTo}.`
      : 'Not claimed yet.';
}

/** The SLA ladder of an unclaimed hand-off: what happened, what is due. */
function renderSla(entry: InboxEntry) {
  const steps = (entry.sla?.steps ?? []).map((step) =>
    el(
      'li',
      { class: step.doneAt ? 'done' : '' },
      `${step.kind.replace('_', ' ')} ${step.doneAt ? `at ${time(step.doneAt)}: ${step.detail ?? 'done'}` : `due ${new Date(step.dueAt).toLocaleString()}`}`,
    ),
  );
  if (entry.sla?.opensAt) steps.unshift(el('li', {}, `opened outside business hours; people are back ${new Date(entry.sla.opensAt).toLocaleString()}`));
  $('task-sla').replaceChildren(...steps);
}

let claimRenewal: number | undefined;
/** While the agent holds the open task's claim, it is renewed: the hand-off does not time out under them. */
function keepClaim(entry: InboxEntry, agent: string) {
  window.clearInterval(claimRenewal);
  // A third of the hold (ESCALATION_CLAIM_HOLD), at most every 30 s: a renewal can fail once and the claim still holds.
  const hold = Date.parse(entry.claimActiveUntil ?? '') - Date.parse(entry.claimedAt ?? '');
  const every = Number.isFinite(hold) ? Math.max(1000, Math.min(30_000, hold / 3)) : 30_000;
  claimRenewal = window.setInterval(() => {
    if (current !== entry || !session.key) return window.clearInterval(claimRenewal);
    void claim(entry, agent, true).then(
      (c) => Object.assign(entry, c),
      () => window.clearInterval(claimRenewal),
    );
  }, every);
}

$('claim').addEventListener('click', () => {
  const entry = current;
  if (!entry) return;
  const agent = agentName((text) => ($('claim-status').textContent = text), 'it is who the claim is for');
  if (!agent) return;
  claim(entry, agent).then(
    (c) => {
      Object.assign(entry, { claimedBy: c.claimedBy, claimedAt: c.claimedAt, claimActiveUntil: c.claimActiveUntil, offeredTo: c.claimedBy });
      renderClaim(entry);
      renderInbox();
      keepClaim(entry, agent);
    },
    (err: unknown) => {
      $('claim-status').textContent = err instanceof ApiError ? `Not claimed: ${err.message}` : `Not claimed: ${String(err)}`;
      void refreshInbox();
    },
  );
});

/** Once the window has closed, the reply goes as a template: which one, and what the customer will read. */
let offered: TemplateList | undefined;
async function renderTemplateOffer(entry: InboxEntry) {
  const box = $('template-offer');
  const { window: w } = entry;
  const closed = entry.kind === 'escalation' && w.applies && (!w.closesAt || Date.parse(w.closesAt) <= Date.now());
  box.hidden = true;
  offered = undefined;
  if (!closed) return;
  let list: TemplateList;
  try {
    list = await templates(entry.namespace);
  } catch {
    return;
  }
  if (current !== entry) return;
  offered = list;
  const approved = list.data.filter((t) => t.status === 'APPROVED');
  const select = $<HTMLSelectElement>('template-choice');
  select.replaceChildren(
    ...approved.map((t) => {
      const option = el('option', { value: `${t.name}|${t.language}` }, `${t.name} (${t.language})`) as HTMLOptionElement;
      option.selected = t.name === list.reengagement?.name && t.language === list.reengagement?.language;
      return option;
    }),
  );
  box.hidden = false;
  if (approved.length === 0) {
    $('template-preview').textContent = 'No approved template for this number: a reply cannot reach the customer now. Ask an admin to add one.';
    return;
  }
  previewTemplate();
}

function chosenTemplate() {
  if (!offered || $('template-offer').hidden) return undefined;
  const [name, language] = $<HTMLSelectElement>('template-choice').value.split('|');
  return offered.data.find((t) => t.name === name && t.language === language);
}

function previewTemplate() {
  const t = chosenTemplate();
  if (!t) return;
  const text = $<HTMLTextAreaElement>('decision-text').value.trim() || '(your reply)';
  const configured = offered?.reengagement?.name === t.name ? offered.reengagement.parameters : t.parameterCount === 1 ? ['{{reply}}'] : [];
  const values = configured.map((source) => (source === '{{reply}}' ? text : source === '{{contact.name}}' ? "(the customer's name)" : source));
  let i = 0;
  $('template-preview').textContent = `The customer will read: ${t.body.replace(/\{\{\s*[a-z0-9_]+\s*\}\}/gi, (m) => values[i++] ?? m)}`;
}
$('template-choice').addEventListener('change', previewTemplate);
$('decision-text').addEventListener('input', previewTemplate);

/** Before a person writes: free text sent after WhatsApp's window does not reach the customer. */
function renderWindowWarning(entry: InboxEntry) {
  const warning = $('window-warning');
  const { window: w } = entry;
  const closed = w.applies && (!w.closesAt || Date.parse(w.closesAt) <= Date.now());
  warning.hidden = !closed;
  warning.textContent = closed
    ? `WhatsApp's 24-hour window closed${w.closesAt ? ` at ${new Date(w.closesAt).toLocaleString()}` : ''}: the customer has not written since, so a reply goes out as an approved template, not as free text.`
    : '';
}

// ---- task view ----------------------------------------------------------------------------

function renderTranscript(entry: InboxEntry) {
  $('task-transcript').replaceChildren(
    ...entry.transcript.map((m) =>
      el(
        'li',
        { class: m.direction },
        el('span', { class: 'sr-only' }, m.direction === 'inbound' ? 'Customer: ' : 'Sent: '),
        m.text ?? `(${m.kind})`,
        el('time', { class: 'at', datetime: m.at }, time(m.at)),
      ),
    ),
  );
}

/**
 * The open task's conversation moves on while the agent reads it (the hand-off notice goes out
 * after the escalation is listed, the customer writes again): a fresh inbox brings its transcript.
 */
function refreshOpenTask() {
  const fresh = current && entries.find((e) => e.id === current!.id);
  if (!current || !fresh) return;
  if (fresh.claimedBy !== current.claimedBy || fresh.claimActiveUntil !== current.claimActiveUntil || fresh.offeredTo !== current.offeredTo) {
    Object.assign(current, { claimedBy: fresh.claimedBy, claimedAt: fresh.claimedAt, claimActiveUntil: fresh.claimActiveUntil, offeredTo: fresh.offeredTo });
    renderClaim(current);
  }
  if (JSON.stringify(fresh.sla) !== JSON.stringify(current.sla)) {
    current.sla = fresh.sla;
    renderSla(current);
  }
  if (fresh.transcript.length === current.transcript.length) return;
  current.transcript = fresh.transcript;
  renderTranscript(current);
}

async function openTask(entry: InboxEntry) {
  if (current !== entry) window.clearInterval(claimRenewal);
  current = entry;
  renderInbox();
  $('task-view').hidden = false;
  $('task-empty').hidden = true;
  $('task-heading').textContent = `${entry.kind === 'approval' ? 'Approval' : 'Escalation'} · ${entry.task.channel}`;
  $('task-meta').textContent =
    `Task ${entry.taskId} · opened ${new Date(entry.createdAt).toLocaleString()}${entry.assignee ? ` · assignee ${entry.assignee}` : ''}${entry.deadlineAt ? ` · answer by ${new Date(entry.deadlineAt).toLocaleString()}` : ''}`;
  $<HTMLAnchorElement>('task-link').href =
    `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows/${encodeURIComponent(entry.task.workflowId)}`;
  $('task-reason').textContent = entry.reason;
  renderTranscript(entry);
  $('task-draft').textContent = entry.draft ?? '(no draft)';
  $('task-passages').replaceChildren(
    ...(entry.passages ?? []).map((p) =>
      el('li', {}, el('strong', {}, p.title), ` · part ${p.position + 1} · score ${p.score.toFixed(2)} · document ${p.documentId}`, el('div', {}, p.text)),
    ),
  );
  if (!entry.passages?.length) $('task-passages').append(el('li', { class: 'muted' }, 'No passages were retrieved.'));
  renderDecision(entry);
  renderWindowWarning(entry);
  renderClaim(entry);
  renderSla(entry);
  void renderTemplateOffer(entry);
  $('task-gate').replaceChildren(el('li', { class: 'muted' }, 'loading…'));
  $('task-steps').replaceChildren();
  $('task-heading').focus();
  try {
    const detail = await taskDetail(entry.taskId);
    if (current !== entry) return;
    const gate = detail.task.result?.gate;
    const gateStep = detail.toolCalls.find((c) => c.name === 'confidence_check') as
      (ToolCall & { outputSummary?: { reasons?: string[]; intent?: string; confidence?: number } }) | undefined;
    const summary = gate ?? gateStep?.outputSummary;
    const lines = [...(summary?.reasons ?? [entry.reason])];
    if (summary?.intent) lines.push(`intent ${summary.intent}${typeof summary.confidence === 'number' ? `, confidence ${summary.confidence.toFixed(2)}` : ''}`);
    $('task-gate').replaceChildren(...lines.map((r) => el('li', {}, r)));
    renderSteps(detail.toolCalls);
  } catch (err) {
    $('task-gate').replaceChildren(el('li', { class: 'error' }, `Could not load the task: ${String(err)}`));
  }
}

function renderSteps(calls: ToolCall[]) {
  $('task-steps').replaceChildren(
    ...calls.map((c) =>
      el(
        'tr',
        {},
        el('td', {}, c.name),
        el('td', {}, c.status),
        el('td', {}, String(c.attempt)),
        el('td', {}, time(c.startedAt)),
        el('td', {}, c.startedAt && c.finishedAt ? `${Date.parse(c.finishedAt) - Date.parse(c.startedAt)} ms` : c.status === 'running' ? 'running' : ''),
      ),
    ),
  );
}

function renderDecision(entry: InboxEntry) {
  const spec = ACTIONS[entry.kind];
  $('decision-label').textContent = spec.label;
  const text = $<HTMLTextAreaElement>('decision-text');
  text.value = entry.kind === 'approval' ? (entry.draft ?? '') : '';
  const result = $('decision-result');
  result.textContent = '';
  result.className = 'result';
  $('decision-actions').replaceChildren(
    ...spec.buttons.map(([choice, label, style]) => {
      const button = el('button', { type: 'button', class: style, 'data-choice': choice }, label) as HTMLButtonElement;
      button.addEventListener('click', () => void send(entry, choice));
      return button;
    }),
  );
}

function say(message: string, tone: 'ok' | 'bad' | '') {
  const result = $('decision-result');
  result.textContent = message;
  result.className = `result ${tone}`;
}

async function send(entry: InboxEntry, choice: string) {
  const agent = agentName((text) => say(text, 'bad'), 'it is recorded with your decision');
  if (!agent) return;
  const raw = $<HTMLTextAreaElement>('decision-text').value.trim();
  const needsText = choice === 'reply' || choice === 'edit';
  if (needsText && !raw) {
    say('Write the text to send first.', 'bad');
    $('decision-text').focus();
    return;
  }
  const text = choice === 'approve' || choice === 'handback' ? undefined : raw || undefined;
  const buttons = [...$('decision-actions').querySelectorAll('button')];
  buttons.forEach((b) => (b.disabled = true));
  say('Sending…', '');
  try {
    const template = choice === 'reply' ? chosenTemplate() : undefined;
    const { outcome } = await decide(entry, choice, agent, text, template && { name: template.name, language: template.language });
    say(outcome.sent ? `Done: sent to the customer (task ${outcome.status}).` : `Done: task ${outcome.status}, nothing sent.`, 'ok');
  } catch (err) {
    if (err instanceof ApiError && err.code === 'claimed') say(`Not sent: ${err.message}`, 'bad');
    else if (err instanceof ApiError && err.status === 409) say('Someone else already answered this (or it expired). Nothing was sent by you.', 'bad');
    else if (err instanceof ApiError) say(`Not sent: ${err.message}`, 'bad');
    else say(`Not sent: ${String(err)}`, 'bad');
  } finally {
    buttons.forEach((b) => (b.disabled = false));
    void refreshInbox();
  }
}

// ---- live feed ----------------------------------------------------------------------------

function onFeedEvent(event: FeedEvent) {
  const what =
    event.type === 'task.step' && event.step
      ? `${event.step.name} ${event.step.status}`
      : event.type === 'task.created'
        ? 'new task'
        : event.type === 'task.escalation' && event.escalation
          ? escalationNews(event.escalation)
          : `→ ${event.task.status}`;
  const list = $('feed-list');
  list.prepend(el('li', {}, el('time', {}, new Date().toLocaleTimeString()), `${event.task.channel} ${event.task.id.slice(0, 8)}: ${what}`));
  while (list.children.length > 50) list.lastElementChild?.remove();
  if (event.type !== 'task.step') queueRefresh();
  if (event.type === 'task.step' && current && event.task.id === current.taskId)
    void taskDetail(current.taskId).then(
      (d) => renderSteps(d.toolCalls),
      () => undefined,
    );
}

/** What changed on a hand-off, in a few words for the feed. */
function escalationNews(e: NonNullable<FeedEvent['escalation']>): string {
  if (e.status !== 'open') return `${e.kind} ${e.status}`;
  const last = [...(e.sla?.steps ?? [])].reverse().find((s) => s.doneAt);
  if (e.claimedBy) return `claimed by ${e.claimedBy}`;
  return last ? `${last.kind.replace('_', ' ')}: ${last.detail ?? 'done'}` : `${e.kind} open${e.offeredTo ? `, offered to ${e.offeredTo}` : ''}`;
}

// ---- views: inbox, replies, dashboard -----------------------------------------------------

const VIEWS = { inbox: 'console-view', replies: 'replies-view', dashboard: 'dashboard-view' } as const;
type View = keyof typeof VIEWS;

/** Shows one view (none: signed out), and marks its button in the top bar. */
function showView(view: View | undefined) {
  for (const [name, id] of Object.entries(VIEWS)) {
    $(id).hidden = name !== view;
    $(`show-${name}`).setAttribute('aria-pressed', String(name === view));
  }
  if (view === 'dashboard') {
    $('dashboard-heading').focus();
    void showDashboard($<HTMLInputElement>('dash-namespace').value.trim(), $<HTMLSelectElement>('dash-window').value);
  }
  if (view === 'replies') {
    $('replies-heading').focus();
    void showReplies();
  }
}
$('show-inbox').addEventListener('click', () => showView('inbox'));
$('show-replies').addEventListener('click', () => showView('replies'));
$('show-dashboard').addEventListener('click', () => showView('dashboard'));
$('dash-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void showDashboard($<HTMLInputElement>('dash-namespace').value.trim(), $<HTMLSelectElement>('dash-window').value);
});
$('replies-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void showReplies();
});
for (const filter of ['replies-flagged', 'replies-window']) $(filter).addEventListener('change', () => void showReplies());
$('replies-more').addEventListener('click', () => void showReplies(true));

// ---- start --------------------------------------------------------------------------------

void consoleConfig().then(
  (c) => (config = c),
  () => undefined,
);
if (session.key) void showConsole();
else showSignIn();
