/**
 * The payload codec's cost, in one run: the same sequential messages (signed WhatsApp webhook →
 * reply at the fake Graph API) through two systems on one dev server and embedded PGlite, one
 * without PAYLOAD_ENCRYPTION_KEY and one with it, in alternating rounds so that drift hits both
 * alike; and the codec alone (encode + decode of a task-sized payload). Writes
 * bench/results/codec.json.
 *
 *   npx tsx bench/codec.ts                 # 4 rounds of 40 messages each way
 *   BENCH_CODEC_ROUNDS=2 BENCH_CODEC_MESSAGES=20 npx tsx bench/codec.ts
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { openDatabase } from '../src/db';
import { installRuntime, type RunningSystem } from '../src/system';
import { EncryptionCodec, parseEncryptionKeys } from '../src/temporal/codec';
import { REPO_ROOT } from '../scripts/lib/temporal-dev-server';
import { percentile, startLocalSystem, startScratchDevServer } from '../testkit/local-system';
import { startFakeGraph, type FakeGraph } from '../testkit/fake-graph';
import { postWebhook, textMessageWebhook, wamid } from '../testkit/whatsapp';

const ROUNDS = Number(process.env.BENCH_CODEC_ROUNDS ?? 4);
const MESSAGES = Number(process.env.BENCH_CODEC_MESSAGES ?? 40);
const round1 = (n: number) => Math.round(n * 10) / 10;

interface Side {
  label: 'clear' | 'encrypted';
  system: RunningSystem;
  graph: FakeGraph;
  phoneNumberId: string;
  e2e: number[];
  busyMs: number;
}

async function send(side: Side, count: number, record: boolean): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const before = side.graph.sent().length;
    const t0 = performance.now();
    const res = await postWebhook(side.system.url!, textMessageWebhook({ phoneNumberId: side.phoneNumberId, id: wamid(), text: 'hello' }));
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    await res.arrayBuffer();
    await side.graph.waitForSent(before + 1, 30_000);
    const t1 = performance.now();
    if (record) {
      side.e2e.push(t1 - t0);
      side.busyMs += t1 - t0;
    }
  }
}

/** Encode + decode of a payload the size of a task's activity result, per second. */
async function codecAlone(): Promise<{ payloadBytes: number; roundTripsPerSecond: number; microsPerRoundTrip: number }> {
  const codec = new EncryptionCodec(parseEncryptionKeys(randomBytes(32).toString('base64'), undefined)!);
  const payload = defaultPayloadConverter.toPayload({ draft: 'x'.repeat(1500), passages: [{ title: 'Refunds', text: 'y'.repeat(400) }] });
  const n = 20_000;
  for (let i = 0; i < 1000; i += 1) await codec.decode(await codec.encode([payload]));
  const t0 = performance.now();
  for (let i = 0; i < n; i += 1) await codec.decode(await codec.encode([payload]));
  const ms = performance.now() - t0;
  return { payloadBytes: payload.data!.length, roundTripsPerSecond: Math.round((n / ms) * 1000), microsPerRoundTrip: round1((ms * 1000) / n) };
}

async function main(): Promise<void> {
  installRuntime('ERROR');
  const server = await startScratchDevServer('codec');
  const sides: Side[] = [];
  try {
    for (const label of ['clear', 'encrypted'] as const) {
      const graph = await startFakeGraph();
      const phoneNumberId = `7${Date.now()}${sides.length}`;
      const database = await openDatabase({ pgliteDir: 'memory://' });
      const system = await startLocalSystem({
        address: server.address,
        database,
        graphUrl: graph.url,
        phoneNumberId,
        adminApiKey: 'bench',
        taskQueue: `codec-${label}-${Date.now()}`,
        ...(label === 'encrypted' ? { env: { PAYLOAD_ENCRYPTION_KEY: randomBytes(32).toString('base64') } } : {}),
      });
      sides.push({ label, system, graph, phoneNumberId, e2e: [], busyMs: 0 });
    }
    for (const side of sides) await send(side, 10, false); // warm-up
    for (let r = 0; r < ROUNDS; r += 1) {
      const order = r % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) await send(side, MESSAGES, true);
    }
  } finally {
    for (const side of sides) {
      await side.system.stop();
      await side.system.database.close();
      await side.graph.close();
    }
    await server.dispose();
  }
  const runs = sides.map((s) => ({
    payloads: s.label,
    messages: s.e2e.length,
    e2eP50Ms: round1(percentile(s.e2e, 50)),
    e2eP95Ms: round1(percentile(s.e2e, 95)),
    messagesPerSecond: round1((s.e2e.length / s.busyMs) * 1000),
  }));
  const [clear, encrypted] = runs;
  const result = {
    benchmark: 'payload-codec',
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
    method: `${ROUNDS} alternating rounds of ${MESSAGES} sequential 'hello' webhooks per side after 10 warm-up, one dev server, embedded PGlite each; e2e = webhook sent → reply at the fake Graph API`,
    runs,
    throughputRatioEncryptedToClear: Math.round((encrypted!.messagesPerSecond / clear!.messagesPerSecond) * 1000) / 1000,
    codecAlone: await codecAlone(),
  };
  const file = path.join(REPO_ROOT, 'bench/results/codec.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.table(runs);
  console.log(`throughput with the key / without: ${result.throughputRatioEncryptedToClear}`);
  console.log('codec alone:', result.codecAlone);
  console.log(`written: ${path.relative(REPO_ROOT, file)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
