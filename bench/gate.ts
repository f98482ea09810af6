/**
 * The gate's own cost, offline: `decide` (injection layers, escalation signals, intent, trust
 * matrix) over the labelled messages of `npm run eval:gate`, p50 and p95 per message, and the
 * injection detector with and without its light classifier, in one run on this machine's cores.
 * Writes bench/results/gate.json.
 *
 *   npx tsx bench/gate.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decideRow, loadSets } from '../scripts/eval-gate';
import { detectInjection } from '../src/gate/injection';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const { injection, escalation } = loadSets();
const messages: string[][] = [...injection.map((r) => [r.text]), ...escalation.map((r) => r.messages)];
for (const m of messages.slice(0, 50)) decideRow(m); // warm the regular expressions
function measure(run: (m: string[]) => unknown): { p50Ms: number; p95Ms: number; maxMs: number } {
  const times: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    for (const m of messages) {
      const t0 = performance.now();
      run(m);
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  return { p50Ms: round3(percentile(times, 50)), p95Ms: round3(percentile(times, 95)), maxMs: round3(times.at(-1)!) };
}
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const result = {
  messages: messages.length,
  rounds: 5,
  /** The whole decision: injection layers with the classifier, signals, intent, trust matrix. */
  decide: measure((m) => decideRow(m)),
  injectionWithClassifier: measure((m) => detectInjection(m.at(-1)!)),
  injectionRulesOnly: measure((m) => detectInjection(m.at(-1)!, { classifier: false })),
};
console.log('confidence_check gate, offline:', JSON.stringify(result, null, 2));
mkdirSync(path.join(__dirname, 'results'), { recursive: true });
writeFileSync(path.join(__dirname, 'results', 'gate.json'), `${JSON.stringify(result, null, 2)}\n`);
