/**
 * `npm run histories:record`: runs AgentTaskWorkflow for real (own dev server, embedded
 * PGlite, fake Graph API) in a few scenarios and writes each history to tests/histories/.
 * The replay test replays them against the current workflow code: a change that is not
 * replay-safe fails it. Re-record only when a change is meant to break old histories
 * (and then version the workflow with `patched()` instead, if executions are in flight).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db';
import { createLogger } from '../src/logger';
import { startSystem } from '../src/system';
import { startFakeGraph, type FakeGraph } from '../tests/helpers/fake-graph';
import { postWebhook, textMessageWebhook, wamid, APP_SECRET } from '../tests/helpers/whatsapp';
import { ensureTemporalCli, freePort, REPO_ROOT, startDevServer } from './lib/temporal-dev-server';

interface Scenario {
  name: string;
  text: string;
  arrange(graph: FakeGraph): void;
}

const SCENARIOS: Scenario[] = [
  { name: 'delivered', text: 'hello', arrange: () => undefined },
  { name: 'delivery-retried', text: 'hello', arrange: (g) => g.failNext(503, { error: { message: 'unavailable', code: 2 } }) },
  {
    name: 'delivery-rejected',
    text: 'hello',
    arrange: (g) => g.failNext(400, { error: { message: '(#131030) Recipient not in allowed list', code: 131030 } }),
  },
];

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'agent-tasks-record-'));
  const cli = ensureTemporalCli();
  const server = await startDevServer({
    cli,
    port: await freePort(),
    dbFile: path.join(tmp, 'temporal.db'),
    logFile: path.join(tmp, 'temporal.log'),
  });
  const graph = await startFakeGraph();
  const database = await openDatabase({ pgliteDir: 'memory://' });
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: 'record-histories',
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_ACCESS_TOKEN: 'record-token',
    WHATSAPP_PHONE_NUMBER_ID: '100200300',
    WHATSAPP_API_BASE_URL: graph.url,
    ADMIN_API_KEY: 'record',
    LOG_LEVEL: 'silent',
  };
  const system = await startSystem({ config: loadConfig(env), env, log: createLogger('silent'), worker: true, api: true, database });
  try {
    for (const scenario of SCENARIOS) {
      scenario.arrange(graph);
      const id = wamid();
      const res = await postWebhook(system.url!, textMessageWebhook({ phoneNumberId: '100200300', id, text: scenario.text }));
      if (res.status !== 200) throw new Error(`${scenario.name}: webhook answered ${res.status}`);
      const handle = system.client.workflow.getHandle(`agent-task:default:whatsapp:${id}`);
      const result = await handle.result();
      const file = path.join(REPO_ROOT, 'tests/histories', `${scenario.name}.json`);
      // The same JSON the Web UI's "Download" and `temporal workflow show --output json` produce.
      const json = execFileSync(cli, ['workflow', 'show', '--workflow-id', handle.workflowId, '--address', server.address, '--output', 'json'], {
        encoding: 'utf8',
      });
      writeFileSync(file, json.endsWith('\n') ? json : `${json}\n`);
      console.log(`${scenario.name}: ${result.status} → ${path.relative(REPO_ROOT, file)}`);
    }
  } finally {
    await system.stop();
    await database.close();
    await graph.close();
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
