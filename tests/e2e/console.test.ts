/**
 * The agent console in a real browser (Debian's Chromium, driven by playwright-core) against the
 * real system: escalations and approvals arrive live, the agent answers in the page, and the fake
 * Graph API receives exactly that text; a 409 is shown when someone else answered first.
 * Takes the console's screenshots (into a temporary directory; with UPDATE_SCREENSHOTS=1 into
 * docs/screenshots/, the README's pictures) and prints the time to first render.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { channelAccounts, csatSurveys, namespaces } from '../../src/db/schema';
import { addDocument } from '../../src/knowledge/store';
import { DEFAULT_HANDOFF_MESSAGE, type NamespaceConfigInput } from '../../src/namespaces/config';
import { ADMIN_KEY, useTestSystem, waitFor } from '../helpers/system';
import { taskLookups } from '../helpers/tasks';
import { postWebhook, textMessageWebhook, wamid, webhookWith, message as waMessage } from '../../testkit/whatsapp';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** A test run leaves the committed pictures alone unless asked to retake them. */
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(__dirname, '../../docs/screenshots') : mkdtempSync(path.join(tmpdir(), 'console-shots-'));
const SHIPPING = `# Delivery times

Standard delivery takes 2 to 3 working days. Express delivery arrives the next working day.`;
const APPROVING: NamespaceConfigInput = { trustMatrix: { question: 'approve', order_status: 'approve' } };

describe('agent console', () => {
  const stack = useTestSystem('postgres');
  const { waitForStatus } = taskLookups(stack);
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: run \`bash scripts/ensure-chromium.sh\` (apt-get install chromium) or set CHROMIUM`);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function namespaceWith(config: NamespaceConfigInput) {
    const ns = `console-${randomUUID().slice(0, 8)}`;
    const phoneNumberId = `7${Math.floor(Math.random() * 1e13)}`;
    await stack.database.db.insert(namespaces).values({ name: ns, config });
    await stack.database.db.insert(channelAccounts).values({ namespace: ns, channel: 'whatsapp', externalId: phoneNumberId, settings: { source: 'env' } });
    await addDocument(stack.database.db, { namespace: ns, title: 'Delivery', contentType: 'text/markdown', content: SHIPPING });
    const customer = () => {
      const from = `4479${Math.floor(Math.random() * 1e8)}`;
      /** `sentAt` in seconds; now by default (WhatsApp's window counts from the customer's own time of writing). */
      const say = async (text: string, sentAt = Math.floor(Date.now() / 1000)) => {
        const id = wamid();
        const timestamp = sentAt;
        expect((await postWebhook(stack.system.url!, textMessageWebhook({ phoneNumberId, id, from, text, timestamp }))).status).toBe(200);
        return id;
      };
      const received = () =>
        stack.graph
          .sent()
          .filter((r) => r.body.to === from)
          .map((r) => (r.body.text?.body ?? r.body.interactive?.body.text) as string);
      /** Taps `score` in the rating question's list (namespace `csat`), once it has come. */
      const rate = async (taskId: string, score: number) => {
        const survey = await waitFor(
          async () => (await stack.database.db.select().from(csatSurveys).where(eq(csatSurveys.taskId, taskId))).find((row) => row.askedAt),
          20_000,
          `the rating question of ${taskId}`,
        );
        const tap = waMessage('interactive', { type: 'list_reply', list_reply: { id: `csat:${survey.id}:${score}`, title: String(score) } }, { from });
        expect((await postWebhook(stack.system.url!, webhookWith(phoneNumberId, { messages: [tap] }, from))).status).toBe(200);
      };
      return { say, received, rate, from };
    };
    return Object.assign(customer, { ns });
  }

  const api = (method: string, apiPath: string, body?: unknown) =>
    fetch(`${stack.system.url}/api/v1${apiPath}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  // Expressions evaluated in the page are strings: the tests compile without the DOM library.
  const item = (taskId: string) => page.locator(`.inbox-item[data-task-id="${taskId}"]`);
  const result = () => page.locator('#decision-result');

  it('when the page is opened without a key, then it asks for one; a wrong key is refused; the right one shows the inbox and the live feed', async () => {
    await page.goto(stack.system.url!);
    await page.getByLabel('API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#signin-error').textContent()).toContain('not valid');

    await page.getByLabel('API key').fill(ADMIN_KEY);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /Inbox/ }).waitFor();
    await page.locator('#connection.live').waitFor();
    expect(await page.locator('#signin-form').isVisible()).toBe(false);
    expect(await page.locator('#feed-list').getAttribute('aria-live')).toBe('polite');
    expect(await page.evaluate<string | null>("sessionStorage.getItem('agent-console.key')")).toBe(ADMIN_KEY);
    expect(await page.evaluate<number>('localStorage.length')).toBe(0);
    await page.getByLabel('Your name').fill('sam@acme.test');
    await page.getByLabel('Your name').press('Tab');

    // Time to first render: navigation start → the inbox drawn, signed in (key in the session).
    await page.reload();
    await page.locator('#connection.live').waitFor();
    const firstRenderMs = Number(await page.evaluate<string>('document.body.dataset.firstRenderMs'));
    console.log(`console: first render (navigation start → inbox drawn) ${firstRenderMs} ms`);
    expect(firstRenderMs).toBeGreaterThan(0);
    expect(await page.getByLabel('Your name').inputValue()).toBe('sam@acme.test');
  });

  it('when a customer asks for a person, then the escalation appears live, and the reply typed in the page reaches the customer', async () => {
    const customer = (await namespaceWith({ escalation: { timeout: '120s' } }))();
    await page.evaluate('window.notReloaded = true');
    const id = await customer.say('I want to speak to a real person');
    const task = await waitForStatus(id, 'escalated');
    await item(task.id).waitFor({ timeout: 10_000 });
    expect(await page.evaluate<boolean | undefined>('window.notReloaded')).toBe(true);
    expect(await item(task.id).textContent()).toMatch(/Escalation.*waiting \d+s.*I want to speak to a real person/);
    // WhatsApp's 24-hour window, counting down from the customer's message.
    expect(await item(task.id).locator('.badge.window').textContent()).toMatch(/^window 2[34]h \d+m left$/);
    expect(await page.locator('#feed-list li').count()).toBeGreaterThan(0);

    await item(task.id).focus(); // by keyboard
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.id')).toBe('task-heading');
    await expect.poll(() => page.locator('#task-transcript').textContent()).toContain(DEFAULT_HANDOFF_MESSAGE);
    expect(await page.locator('#window-warning').isHidden()).toBe(true); // the window is open
    expect(await page.locator('#task-link').getAttribute('href')).toBe(
      `http://localhost:8233/namespaces/default/workflows/${encodeURIComponent(task.workflowId)}`,
    );
    await expect.poll(() => page.locator('#task-steps tr').count()).toBeGreaterThan(3);

    const reply = 'Hi, this is Sam from the console. How can I help?';
    await page.getByLabel('Reply to the customer').fill(reply);
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => result().textContent(), { timeout: 15_000 }).toContain('sent to the customer');
    expect(customer.received()).toEqual([DEFAULT_HANDOFF_MESSAGE, reply]);
    await item(task.id).waitFor({ state: 'detached' });
  });

  it('when the customer last wrote more than 24 hours ago, then the item says the window closed, the task warns and offers the template, and the reply goes as it', async () => {
    const ns = await namespaceWith({
      escalation: { timeout: '120s' },
      whatsapp: { reengagementTemplate: { name: 'follow_up', language: 'en', parameters: ['{{reply}}'] } },
    });
    const nsName = ns.ns;
    expect((await api('PUT', `/namespaces/${nsName}/templates`, { name: 'follow_up', language: 'en', body: 'About your message: {{1}}' })).status).toBe(201);
    expect((await api('PUT', `/namespaces/${nsName}/templates`, { name: 'other_one', language: 'de', body: 'Zu Ihrer Nachricht: {{1}}' })).status).toBe(201);
    const customer = ns();
    const id = await customer.say('I want to speak to a real person', Math.floor(Date.now() / 1000) - 25 * 3600);
    const task = await waitForStatus(id, 'escalated');
    await item(task.id).waitFor({ timeout: 10_000 });
    expect(await item(task.id).locator('.badge.window').textContent()).toBe('window closed');
    await item(task.id).click();
    await expect.poll(() => page.locator('#window-warning').isVisible()).toBe(true);
    expect(await page.locator('#window-warning').textContent()).toMatch(
      /^WhatsApp's 24-hour window closed at .+: the customer has not written since, so a reply goes out as an approved template, not as free text\.$/,
    );
    await expect.poll(() => page.locator('#template-offer').isVisible()).toBe(true);
    expect(await page.locator('#template-choice').inputValue()).toBe('follow_up|en');
    await page.getByLabel('Reply to the customer').fill('We found your parcel.');
    expect(await page.locator('#template-preview').textContent()).toBe('The customer will read: About your message: We found your parcel.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => result().textContent(), { timeout: 15_000 }).toContain('sent to the customer');
    const sent = stack.graph.sent().filter((r) => r.body.to === customer.from);
    expect(sent.map((r) => r.body.type)).toEqual(['template', 'template']);
    expect(sent[1]!.body.template).toMatchObject({
      name: 'follow_up',
      language: { code: 'en' },
      components: [{ parameters: [{ text: 'We found your parcel.' }] }],
    });
  });

  it("when an agent claims in the page, then others see it claimed, cannot claim or answer it, and it is the agent's to answer", async () => {
    const customer = (await namespaceWith({ escalation: { timeout: '120s' } }))();
    const id = await customer.say('I want to speak to a real person');
    const task = await waitForStatus(id, 'escalated');
    await item(task.id).click();
    await expect.poll(() => page.locator('#claim-status').textContent()).toBe('Not claimed yet.');
    await page.getByRole('button', { name: 'Claim', exact: true }).click();
    await expect.poll(() => page.locator('#claim-status').textContent()).toBe('Claimed by you: it stays yours while this task is open.');
    await expect.poll(() => item(task.id).locator('.badge.claimed').textContent()).toBe('claimed by sam@acme.test');
    const [entry] = (
      (await (await api('GET', '/escalations?status=open&limit=200')).json()) as { data: Array<{ id: string; taskId: string; claimedBy: string }> }
    ).data.filter((e) => e.taskId === task.id);
    expect(entry!.claimedBy).toBe('sam@acme.test');
    expect((await api('POST', `/escalations/${entry!.id}/claim`, { agent: 'kim' })).status).toBe(409);
    expect((await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'reply', text: 'Kim here', agent: 'kim' })).status).toBe(409);
    await page.getByLabel('Reply to the customer').fill('Sam here, on it.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => result().textContent(), { timeout: 15_000 }).toContain('sent to the customer');
    expect(customer.received()).toEqual([DEFAULT_HANDOFF_MESSAGE, 'Sam here, on it.']);
  });

  it('when another agent claims through the API, then the inbox shows it claimed live and the task says by whom', async () => {
    const customer = (await namespaceWith({ escalation: { timeout: '120s' } }))();
    const task = await waitForStatus(await customer.say('I want to speak to a real person'), 'escalated');
    await item(task.id).click();
    const [entry] = ((await (await api('GET', '/escalations?status=open&limit=200')).json()) as { data: Array<{ id: string; taskId: string }> }).data.filter(
      (e) => e.taskId === task.id,
    );
    expect((await api('POST', `/escalations/${entry!.id}/claim`, { agent: 'kim' })).status).toBe(200);
    await expect.poll(() => item(task.id).locator('.badge.claimed').textContent(), { timeout: 10_000 }).toBe('claimed by kim');
    await expect.poll(() => page.locator('#claim-status').textContent()).toBe('Claimed by kim: only they can answer while their claim holds.');
    expect(await page.getByRole('button', { name: 'Claim', exact: true }).isDisabled()).toBe(true);
    await expect.poll(() => page.locator('#feed-list').textContent()).toContain('claimed by kim');
    expect((await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'close', agent: 'kim' })).status).toBe(200);
  });

  it('when the trust matrix holds a draft, then the agent edits it in the page and the customer receives the edited text', async () => {
    const customer = (await namespaceWith(APPROVING))();
    const id = await customer.say('How long does standard delivery take?');
    const task = await waitForStatus(id, 'awaiting_approval');
    await item(task.id).waitFor({ timeout: 10_000 });
    expect(await item(task.id).textContent()).toContain('Approval');
    await item(task.id).click();
    const box = page.getByLabel(/Answer \(edit the draft/);
    await expect.poll(() => box.inputValue()).toBe(task.draft);
    await expect.poll(() => page.locator('#task-passages').textContent()).toContain('Delivery');
    await expect.poll(() => page.locator('#task-gate').textContent()).toContain('trust matrix says approve');

    const edited = 'Standard delivery takes 2 to 3 working days. — Lee';
    await box.fill(edited);
    await page.getByRole('button', { name: 'Send edited text' }).click();
    await expect.poll(() => result().textContent(), { timeout: 15_000 }).toContain('sent to the customer');
    expect(customer.received()).toEqual([edited]);
  });

  it('when someone else answered through the API meanwhile, then the page says so and nothing more is sent', async () => {
    const customer = (await namespaceWith({ escalation: { timeout: '120s' } }))();
    const id = await customer.say('I want to speak to a real person');
    const task = await waitForStatus(id, 'escalated');
    await item(task.id).click();
    const res = await api('POST', `/agent-tasks/${task.id}/escalation`, { action: 'reply', text: 'Kim answered first', agent: 'kim' });
    expect(res.status).toBe(200);

    await page.getByLabel('Reply to the customer').fill('Sam, too late');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => result().textContent(), { timeout: 15_000 }).toContain('Someone else already answered this');
    expect(await result().getAttribute('role')).toBe('alert');
    expect(customer.received()).toEqual([DEFAULT_HANDOFF_MESSAGE, 'Kim answered first']);
  });

  it('when there is an escalation and an approval, then the screenshots are taken, and the page fits a 375 px phone', async () => {
    await page.reload(); // no task open; the feed fills as the two arrive
    await page.locator('#connection.live').waitFor();
    const asking = (await namespaceWith({ escalation: { timeout: '120s' } }))();
    const approving = (await namespaceWith(APPROVING))();
    const escalated = await waitForStatus(await asking.say('Can I talk to a human about my parcel, please?'), 'escalated');
    const held = await waitForStatus(await approving.say('How long does express delivery take?'), 'awaiting_approval');
    await item(held.id).waitFor();
    await item(escalated.id).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-inbox.png') });
    await item(held.id).click();
    await expect.poll(() => page.locator('#task-steps tr').count()).toBeGreaterThan(3);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-task.png'), fullPage: true });

    await page.setViewportSize({ width: 375, height: 740 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await expect.poll(() => page.getByRole('button', { name: 'Approve draft' }).isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-phone.png') });
    await page.setViewportSize({ width: 1280, height: 860 });

    for (const [task, kind, body] of [
      [escalated, 'escalation', { action: 'close', agent: 'cleanup' }],
      [held, 'approval', { decision: 'reject', agent: 'cleanup' }],
    ] as const) {
      expect((await api('POST', `/agent-tasks/${task.id}/${kind}`, body)).status).toBe(200);
    }
  });

  it('when the dashboard is opened, then the figures and five charts of the namespace are drawn, matching its outcomes and ratings', async () => {
    const shop = await namespaceWith({ ...APPROVING, escalation: { timeout: '120s' }, csat: { after: '200ms' } });
    const [first, second, third] = [shop(), shop(), shop()];
    const hello = await waitForStatus(await first.say('hello'), 'delivered');
    const held = await waitForStatus(await second.say('How long does express delivery take?'), 'awaiting_approval');
    const human = await waitForStatus(await third.say('Can I talk to a human please?'), 'escalated');
    expect((await api('POST', `/agent-tasks/${held.id}/approval`, { decision: 'edit', text: 'Next working day.', agent: 'lee' })).status).toBe(200);
    expect((await api('POST', `/agent-tasks/${human.id}/escalation`, { action: 'reply', text: 'Sam here.', agent: 'sam' })).status).toBe(200);
    // The customers rate: the assistant's answer 5, the edited one 4, the person's reply 2.
    await first.rate(hello.id, 5);
    await second.rate(held.id, 4);
    await third.rate(human.id, 2);
    await waitFor(
      async () =>
        (await stack.database.db.select().from(csatSurveys).where(eq(csatSurveys.namespace, shop.ns))).filter((s) => s.score).length === 3 ? true : undefined,
      10_000,
      'three ratings',
    );
    await expect
      .poll(async () => (await api('POST', `/agent-tasks/${hello.id}/feedback`, { category: 'incomplete', agent: 'lee' })).status, { timeout: 10_000 })
      .toBe(201);

    await page.getByRole('button', { name: 'Dashboard' }).click();
    await page.getByLabel('Namespace', { exact: true }).fill(shop.ns);
    await page.getByLabel('Window').selectOption('24h');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.locator('#dash-status').textContent(), { timeout: 10_000 }).toContain(`${shop.ns}: 3 messages`);
    const tiles = await page.locator('#dash-tiles').textContent();
    expect(tiles).toContain('Resolved by the assistant33.3%');
    expect(tiles).toContain('Handed over1');
    expect(tiles).toContain('AI replies flagged1');
    expect(tiles).toContain('CSAT (rated 4-5)66.7% of 3');
    expect(tiles).toContain('Ratings answered100%');
    for (const id of ['chart-resolution', 'chart-reasons', 'chart-edits', 'chart-flags', 'chart-csat']) {
      expect(await page.evaluate<boolean>(`(() => { const c = document.getElementById('${id}'); return c.width > 0 && c.height > 0; })()`)).toBe(true);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-dashboard.png'), fullPage: true });
    await page.getByRole('button', { name: 'Inbox' }).click();
    expect(await page.locator('#console-view').isVisible()).toBe(true);
  });
});
