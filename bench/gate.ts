/**
 * The gate's own cost, offline: `decide` (injection layers, escalation signals, intent, trust
 * matrix) over the labelled messages of `npm run eval:gate`, p50 and p95 per message, on this
 * machine's cores. Writes bench/results/gate.json.
 *
 *   npx tsx bench/gate.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decideRow, loadSets } from '../scripts/eval-gate';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const { injection, escalation } = loadSets();
const messages: string[][] = [...injection.map((r) => [r.text]), ...escalation.map((r) => r.messages)];
for (const m of messages.slice(0, 50)) decideRow(m); // warm the regular expressions
const times: number[] = [];
for (let round = 0; round < 5; round += 1) {
  for (const m of messages) {
    const t0 = performance.now();
    decideRow(m);
    times.push(performance.now() - t0);
  }
}
times.sort((a, b) => a - b);
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const result = { messages: messages.length, decisions: times.length, p50Ms: round3(percentile(times, 50)), p95Ms: round3(percentile(times, 95)), maxMs: round3(times.at(-1)!) };
console.log('confidence_check gate (decide, offline, no classifier model):', result);
mkdirSync(path.join(__dirname, 'results'), { recursive: true });
writeFileSync(path.join(__dirname, 'results', 'gate.json'), `${JSON.stringify(result, null, 2)}\n`);
