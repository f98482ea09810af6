/**
 * `npm run bench:sla`: the time from an escalation's SLA deadline to the customer's wait message
 * (bench/humans.ts, measureSlaLatency), on PGlite and on the local PostgreSQL, against its own dev
 * server; bench/results/sla.json. Part of `npm run bench`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../src/db';
import { installRuntime } from '../src/system';
import { startScratchDevServer, withScratchPostgres } from '../testkit/local-system';
import { measureSlaLatency, type SlaLatency } from './humans';

const ESCALATIONS = Number(process.env.SLA_ESCALATIONS ?? 40);

async function main(): Promise<void> {
  installRuntime('ERROR');
  const server = await startScratchDevServer('bench-sla');
  const runs: SlaLatency[] = [];
  try {
    const pglite = await openDatabase({ pgliteDir: path.join(server.dir, 'pglite') });
    await pglite.migrate();
    runs.push(await measureSlaLatency('pglite', server.address, pglite, ESCALATIONS));
    await pglite.close();
    runs.push(
      await withScratchPostgres('bench_sla', async (pg) => {
        await pg.migrate();
        return measureSlaLatency('postgres', server.address, pg, ESCALATIONS);
      }),
    );
  } finally {
    await server.dispose();
  }
  console.table(runs);
  const file = path.resolve(__dirname, 'results/sla.json');
  writeFileSync(file, `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: '2 cores', runs }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
