/**
 * The console's Replies view in a real browser (Debian's Chromium, driven by playwright-core) against
 * the real system: an agent signed in with an agent key sees the replies the assistant sent (and not a
 * person's), flags one as incorrect with a note, sees the badge, and the flag is the reply_feedback row;
 * the API's refusal is shown in the row; an operator's dashboard counts the flag.
 * Takes docs/screenshots/console-replies.png with UPDATE_SCREENSHOTS=1 (else into a temporary directory).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentTasks, replyFeedback, taskOutcomes } from '../../src/db/schema';
import { addDocument } from '../../src/knowledge/store';
import { callApi, whatsappNamespace, type Customer } from '../helpers/namespaces';
import { useTestSystem, waitFor } from '../helpers/system';
import { taskLookups } from '../helpers/tasks';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(__dirname, '../../docs/screenshots') : mkdtempSync(path.join(tmpdir(), 'console-shots-'));
const SHIPPING = `# Delivery times

Standard delivery takes 2 to 3 working days. Express delivery arrives the next working day.`;
const EDITED = 'Express delivery costs 9.90 EUR and arrives the next working day.';
const NOTE = 'Standard delivery is 3 to 5 days since March.';

describe('agent console: replies by the assistant', () => {
  const stack = useTestSystem('postgres');
  const { waitForStatus, taskOf } = taskLookups(stack);
  const api = (method: string, apiPath: string, body?: unknown, key?: string) => callApi(stack, method, apiPath, body, key);
  const outcomeOf = (taskId: string) =>
    waitFor(async () => (await stack.database.db.select().from(taskOutcomes).where(eq(taskOutcomes.taskId, taskId)))[0], 20_000, `the outcome of ${taskId}`);
  let browser: Browser;
  let page: Page;
  let shop: Awaited<ReturnType<typeof whatsappNamespace>>;
  const keys = {} as Record<'agent' | 'operator', string>;
  type Asked = { customer: Customer; task: typeof agentTasks.$inferSelect };
  const asked = {} as Record<'answered' | 'edited' | 'byPerson', Asked>;

  const ask = async (text: string, status: string, name: string): Promise<Asked> => {
    const customer = shop.customer(name);
    const id = await customer.say(text);
    try {
      return { customer, task: await waitForStatus(id, status) };
    } catch (err) {
      const t = await taskOf(id);
      throw new Error(`${(err as Error).message}; it is ${t?.status} (${t?.route}, ${t?.gateIntent}, ${JSON.stringify(t?.gateReasons)})`);
    }
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: run \`bash scripts/ensure-chromium.sh\` (apt-get install chromium) or set CHROMIUM`);
    }
    shop = await whatsappNamespace(stack, 'console-replies', {
      trustMatrix: { question: 'approve' },
      escalation: { timeout: '120s' },
      approval: { timeout: '120s' },
    });
    await addDocument(stack.database.db, { namespace: shop.ns, title: 'Delivery', contentType: 'text/markdown', content: SHIPPING });
    for (const role of ['agent', 'operator'] as const) {
      const created = await api('POST', '/api-keys', { namespace: shop.ns, role, name: `console ${role}` });
      expect(created.status).toBe(201);
      keys[role] = created.body.key;
    }
    asked.answered = await ask('How long does standard delivery take?', 'delivered', 'Kerry Fisher');
    asked.edited = await ask('What does express delivery cost?', 'awaiting_approval', 'Ada Lovelace');
    asked.byPerson = await ask('I want to speak to a real person', 'escalated', 'Grace Hopper');
    const decide = async (taskId: string, what: string, body: Record<string, unknown>) =>
      expect((await api('POST', `/agent-tasks/${taskId}/${what}`, { agent: 'sam', ...body })).status).toBe(200);
    await decide(asked.edited.task.id, 'approval', { decision: 'edit', text: EDITED });
    await decide(asked.byPerson.task.id, 'escalation', { action: 'reply', text: 'Sam here, let me check.' });
    for (const { task } of Object.values(asked)) await outcomeOf(task.id);

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const row = (taskId: string) => page.locator(`.reply-item[data-task-id="${taskId}"]`);
  /** The task ids of the listed replies, in order. */
  const listed = async () => {
    const items = page.locator('.reply-item');
    const ids: Array<string | null> = [];
    for (let i = 0; i < (await items.count()); i += 1) ids.push(await items.nth(i).getAttribute('data-task-id'));
    return ids;
  };
  const signIn = async (key: string) => {
    await page.goto(stack.system.url!);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Inbox/ }).waitFor();
  };

  it("when an agent opens Replies, then the assistant's replies are listed with the question, what was sent, intent and attribution, and a person's reply is not", async () => {
    await signIn(keys.agent);
    await page.getByLabel('Your name').fill('lee@acme.test');
    await page.getByLabel('Your name').press('Tab');
    await page.getByRole('button', { name: 'Replies', exact: true }).click();
    expect(await page.getByRole('button', { name: 'Replies', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#console-view').isHidden()).toBe(true);
    await row(asked.answered.task.id).waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('#replies-status').textContent()).toBe(`${shop.ns}: 2 replies by the assistant`);
    expect(await listed()).toEqual([asked.edited.task.id, asked.answered.task.id]);

    const answered = row(asked.answered.task.id);
    const sent = asked.answered.customer.received()[0]!.text!;
    expect(await answered.locator('.question').textContent()).toBe('Customer: How long does standard delivery take?');
    expect(await answered.locator('.answer').textContent()).toBe(`Sent: ${sent}`);
    expect(await answered.locator('.badge.ai').textContent()).toBe('AI');
    expect(await answered.locator('.badge.intent').textContent()).toBe((await outcomeOf(asked.answered.task.id)).intent);
    expect(await answered.textContent()).toContain('whatsapp · Kerry Fisher');
    expect(await answered.locator('.badge.flag').count()).toBe(0);

    const edited = row(asked.edited.task.id);
    expect(await edited.locator('.badge.edited').textContent()).toBe('AI, edited by a person');
    expect(await edited.locator('.answer').first().textContent()).toBe(`Sent: ${EDITED}`);
    await edited.getByText("The assistant's draft").click();
    expect(await edited.locator('details .answer').textContent()).toBe(asked.edited.task.draft);
  });

  it('when the agent flags a reply as incorrect with a note, then its row shows the flag, the flag is stored with their name, and the filter splits the list', async () => {
    const answered = row(asked.answered.task.id);
    await answered.getByRole('button', { name: 'Flag', exact: true }).click();
    expect(await answered.getByRole('button', { name: 'Flag', exact: true }).getAttribute('aria-expanded')).toBe('true');
    expect(await answered.locator('select[name=category] option').allTextContents()).toEqual(['incorrect', 'outdated', 'inappropriate', 'incomplete']);
    await answered.getByLabel('What was wrong').selectOption('incorrect');
    await answered.getByLabel('Note (optional)').fill(NOTE);
    await answered.getByRole('button', { name: 'Flag reply' }).click();
    await expect.poll(() => answered.locator('.badge.flag').textContent(), { timeout: 10_000 }).toBe('flagged incorrect');
    expect(await answered.locator('.badge.flag').getAttribute('title')).toMatch(new RegExp(`^flagged by lee@acme\\.test .+: ${NOTE}$`));
    expect(await answered.locator('.flag-notes li').allTextContents()).toEqual([
      expect.stringMatching(new RegExp(`^incorrect, flagged by lee@acme\\.test .+: ${NOTE}$`)),
    ]);
    expect(await answered.locator('form').count()).toBe(0); // the form closed

    const rows = await stack.database.db.select().from(replyFeedback).where(eq(replyFeedback.taskId, asked.answered.task.id));
    expect(rows.map((r) => ({ namespace: r.namespace, category: r.category, note: r.note, agent: r.agent }))).toEqual([
      { namespace: shop.ns, category: 'incorrect', note: NOTE, agent: 'lee@acme.test' },
    ]);

    await page.getByLabel('Show', { exact: true }).selectOption('true');
    await expect.poll(() => page.locator('.reply-item').count()).toBe(1);
    expect(await row(asked.answered.task.id).locator('.badge.flag').textContent()).toBe('flagged incorrect'); // as the API lists it
    await page.getByLabel('Show', { exact: true }).selectOption('false');
    await expect.poll(listed).toEqual([asked.edited.task.id]);
    await page.getByLabel('Show', { exact: true }).selectOption('');
    await expect.poll(() => page.locator('.reply-item').count()).toBe(2);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-replies.png'), fullPage: true });

    await page.setViewportSize({ width: 375, height: 740 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('when the flag is refused (no name, or the reply turned out not to be an AI reply), then the row says why and nothing is stored', async () => {
    const edited = row(asked.edited.task.id);
    await page.getByLabel('Your name').fill('');
    await edited.getByRole('button', { name: 'Flag', exact: true }).click();
    await edited.getByLabel('What was wrong').selectOption('outdated');
    await edited.getByRole('button', { name: 'Flag reply' }).click();
    expect(await edited.locator('.result').textContent()).toBe('Enter your name at the top first: it is recorded with your flag.');
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('agent-name');

    // Its outcome is rewritten after the list was loaded (as when a late receipt fails the delivery): the API answers 409.
    await stack.database.db.update(taskOutcomes).set({ attribution: null }).where(eq(taskOutcomes.taskId, asked.edited.task.id));
    await page.getByLabel('Your name').fill('lee@acme.test');
    await edited.getByRole('button', { name: 'Flag reply' }).click();
    await expect
      .poll(() => edited.locator('.result').textContent())
      .toMatch(/^Not flagged \(not_an_ai_reply\): task .+ sent no reply written by the assistant/);
    expect(await edited.locator('.result').getAttribute('role')).toBe('alert');
    expect(await edited.locator('.result').getAttribute('class')).toContain('bad');
    expect(await edited.locator('.badge.flag').count()).toBe(0);
    expect(await stack.database.db.select().from(replyFeedback).where(eq(replyFeedback.taskId, asked.edited.task.id))).toEqual([]);
  });

  it("when an operator of the namespace opens the dashboard, then the agent's flag is counted", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.locator('#replies-view').isHidden()).toBe(true);
    await signIn(keys.operator);
    await page.getByRole('button', { name: 'Dashboard' }).click();
    await page.getByLabel('Window').selectOption('24h');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await expect.poll(() => page.locator('#dash-status').textContent(), { timeout: 10_000 }).toContain(`${shop.ns}: `);
    expect(await page.locator('#dash-tiles').textContent()).toMatch(/AI replies flagged\s*1/);
  });
});
