/**
 * `npm run screenshots`: the README's pictures of the Temporal Web UI, taken for real. Starts
 * a dev server with its Web UI, the system on embedded PGlite with a fake Graph API, sends a
 * few WhatsApp messages (two ask for a person, one says hello), then has headless Chromium
 * (`CHROMIUM`, default `chromium` on PATH) photograph the list filtered on
 * AgentTaskStatus="escalated". Writes docs/screenshots/web-ui-escalated.png. (A workflow's own
 * page keeps polling and never settles under --virtual-time-budget, so it is not photographed.)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../src/db';
import { progressQuery } from '../src/workflows/agent-task';
import { startFakeGraph } from '../testkit/fake-graph';
import { postWebhook, textMessageWebhook, wamid } from '../testkit/whatsapp';
import { REPO_ROOT } from './lib/temporal-dev-server';
import { startLocalSystem, startScratchDevServer } from '../testkit/local-system';

const OUT = path.join(REPO_ROOT, 'docs/screenshots');
const MESSAGES = [
  { name: 'Kerry', text: 'I want to speak to a real person about my refund' },
  { name: 'Ana', text: 'hello' },
  { name: 'Ben', text: 'Can I talk to an agent? My parcel is damaged.' },
];

/** One page, after 15 s of (virtual) time to load it. */
function shoot(url: string, file: string): void {
  execFileSync(
    process.env.CHROMIUM ?? 'chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--window-size=1440,900', '--virtual-time-budget=15000', `--screenshot=${file}`, url],
    { stdio: 'ignore', timeout: 120_000 },
  );
  console.log(`${path.relative(REPO_ROOT, file)} ← ${url}`);
}

async function main(): Promise<void> {
  const server = await startScratchDevServer('shots', { ui: true });
  const graph = await startFakeGraph();
  const database = await openDatabase({ pgliteDir: 'memory://' });
  const system = await startLocalSystem({
    address: server.address,
    database,
    graphUrl: graph.url,
    phoneNumberId: '100200300',
    adminApiKey: 'screenshots',
  });
  try {
    const ids: string[] = [];
    for (const [i, m] of MESSAGES.entries()) {
      const id = wamid();
      const res = await postWebhook(system.url!, textMessageWebhook({ phoneNumberId: '100200300', id, from: `44770090000${i}`, name: m.name, text: m.text }));
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      ids.push(`agent-task:default:whatsapp:${id}`);
    }
    // Until each is escalated or done.
    for (const id of ids) {
      for (let i = 0; i < 200; i += 1) {
        const { status } = await system.client.workflow.getHandle(id).query(progressQuery);
        if (status === 'escalated' || status === 'delivered') break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await new Promise((r) => setTimeout(r, 2000)); // the visibility store catches up
    mkdirSync(OUT, { recursive: true });
    const query = encodeURIComponent('AgentTaskStatus="escalated"');
    shoot(`${server.uiUrl}/namespaces/default/workflows?query=${query}`, path.join(OUT, 'web-ui-escalated.png'));
  } finally {
    await system.stop();
    await database.close();
    await graph.close();
    await server.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
