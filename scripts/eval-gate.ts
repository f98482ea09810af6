/**
 * Gate evaluation: prompt-injection precision and recall per language and kind, and escalation
 * decisions (escalate / approve / answer) per category, on labelled messages nobody here wrote
 * for the product.
 *
 * Sets (each row is in exactly one split):
 * - `dev`: ../shared/quality-dev/{injection,escalation}.jsonl (the development part of the sets
 *   the product is measured on from outside) plus the `dev` half of our own public collection;
 * - `test`: the other half of eval/gate/{injection,escalation}.public.jsonl (see
 *   eval/gate/SOURCES.md), split by a hash of the row's id — reported, never tuned on;
 * - eval/gate/written.tune.jsonl (messages we wrote while building the rules) is dev only;
 * - eval/gate/probe.jsonl (150 messages in hi, hi-Latn, pt, id, de, fr written blind by a helper
 *   who had seen neither the detector nor the data): odd ids dev, even ids test;
 * - eval/gate/{train-blind,train-blind2,escalation-train,escalation-train2,escalation-train3}.jsonl (written blind for training): dev only;
 * - `report`: eval/gate/report-{injection,escalation}.jsonl, written blind the same day by another
 *   helper in the eight languages, after the rules and before the classifiers were retrained on
 *   the training files — reported only, never read for tuning.
 *
 * Escalation rows are decided as the pipeline would with the trust matrix `billing: approve`,
 * a confident draft and a relevant passage (so a wrong escalation cannot hide behind "nothing
 * found"), the earlier messages of the row as the customer's earlier messages.
 *
 *   npm run eval:gate
 *   EVAL_MISSES=dev npm run eval:gate      # list the dev split's wrong decisions
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decide, DEFAULT_GATE_CONFIG, type GateDecision } from '../src/gate/decide';
import { detectInjection } from '../src/gate/injection';

const ROOT = path.resolve(__dirname, '..');
const SHARED_DEV = path.resolve(ROOT, '..', 'shared', 'quality-dev');

interface InjectionRow {
  id: string;
  text: string;
  label: 'attack' | 'benign';
  lang: string;
  kind: string;
  source: string;
  split: Split;
}

/** `dev` is tuned and trained on; `test` and `report` are only reported. */
export type Split = 'dev' | 'test' | 'report';

interface EscalationRow {
  id: string;
  messages: string[];
  expect: 'escalate' | 'approve' | 'answer';
  category: string;
  lang: string;
  source: string;
  split: Split;
}

function readJsonl<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as T;
      } catch (err) {
        throw new Error(`${file}:${i + 1}: not JSON (${(err as Error).message})`);
      }
    });
}

/** Our own rows: half dev, half test, by a hash of the id (stable, independent of order). */
const splitOf = (id: string): 'dev' | 'test' => (createHash('sha256').update(id).digest()[0]! % 2 === 0 ? 'dev' : 'test');

/** The category names the sets use, read as one vocabulary. */
function category(raw: string | undefined, expect: string): string {
  const c = (raw ?? '').toLowerCase().replace(/[-\s]+/g, '_');
  if (/human/.test(c)) return 'human_request';
  if (/legal|regulat/.test(c)) return 'legal';
  if (/fraud|compromis|security/.test(c)) return 'fraud';
  if (/repeat_twice|twice/.test(c)) return 'repeat_twice';
  if (/repeat/.test(c)) return 'repeat';
  if (/complaint|anger|angry/.test(c)) return 'complaint';
  if (/billing_info|info/.test(c)) return 'billing_info';
  if (/billing/.test(c)) return expect === 'approve' ? 'billing_action' : 'billing_info';
  if (/lookalike/.test(c)) return 'lookalike';
  if (expect === 'approve') return 'billing_action';
  return c || (expect === 'answer' ? 'answer' : expect);
}

export function loadSets(): { injection: InjectionRow[]; escalation: EscalationRow[] } {
  const injection: InjectionRow[] = [
    ...readJsonl<Omit<InjectionRow, 'split'>>(path.join(SHARED_DEV, 'injection.jsonl')).map((r) => ({ ...r, split: 'dev' as const })),
    ...readJsonl<Omit<InjectionRow, 'split'>>(path.join(ROOT, 'eval/gate/injection.public.jsonl')).map((r) => ({ ...r, split: splitOf(r.id) })),
    // Written by us while building the rules: tuned on, never reported as test.
    ...readJsonl<Omit<InjectionRow, 'split'>>(path.join(ROOT, 'eval/gate/written.tune.jsonl')).map((r) => ({ ...r, split: 'dev' as const })),
    // Written blind by a helper who had seen neither the detector nor the data: odd ids tune, even ids test.
    ...readJsonl<Omit<InjectionRow, 'split'>>(path.join(ROOT, 'eval/gate/probe.jsonl')).map((r) => ({
      ...r,
      split: Number(r.id.split('-').pop()) % 2 === 1 ? ('dev' as const) : ('test' as const),
    })),
    // Written blind for training (2026-12-04): dev only.
    ...readJsonl<Omit<InjectionRow, 'split'>>(path.join(ROOT, 'eval/gate/train-blind.jsonl')).map((r) => ({ ...r, split: 'dev' as const })),
    ...readJsonl<Omit<InjectionRow, 'split'>>(path.join(ROOT, 'eval/gate/train-blind2.jsonl')).map((r) => ({ ...r, split: 'dev' as const })),
    // Written blind the same day by another helper, for the report only: never trained or tuned on.
    ...readJsonl<Omit<InjectionRow, 'split'>>(path.join(ROOT, 'eval/gate/report-injection.jsonl')).map((r) => ({ ...r, split: 'report' as const })),
  ];
  const escalation: EscalationRow[] = [
    ...readJsonl<Omit<EscalationRow, 'split'>>(path.join(SHARED_DEV, 'escalation.jsonl')).map((r) => ({ ...r, split: 'dev' as const })),
    ...readJsonl<Omit<EscalationRow, 'split'>>(path.join(ROOT, 'eval/gate/escalation.public.jsonl')).map((r) => ({ ...r, split: splitOf(r.id) })),
    // Written blind, like probe.jsonl: odd ids dev, even ids test.
    ...readJsonl<Omit<EscalationRow, 'split'>>(path.join(ROOT, 'eval/gate/escalation-probe.jsonl')).map((r) => ({
      ...r,
      split: Number(r.id.split('-').pop()) % 2 === 1 ? ('dev' as const) : ('test' as const),
    })),
    ...readJsonl<Omit<EscalationRow, 'split'>>(path.join(ROOT, 'eval/gate/escalation-train.jsonl')).map((r) => ({ ...r, split: 'dev' as const })),
    ...readJsonl<Omit<EscalationRow, 'split'>>(path.join(ROOT, 'eval/gate/escalation-train2.jsonl')).map((r) => ({ ...r, split: 'dev' as const })),
    ...readJsonl<Omit<EscalationRow, 'split'>>(path.join(ROOT, 'eval/gate/escalation-train3.jsonl')).map((r) => ({ ...r, split: 'dev' as const })),
    ...readJsonl<Omit<EscalationRow, 'split'>>(path.join(ROOT, 'eval/gate/report-escalation.jsonl')).map((r) => ({ ...r, split: 'report' as const })),
  ].map((r) => ({ ...r, category: category(r.category, r.expect) }));
  return { injection, escalation };
}

const CONFIG = { ...DEFAULT_GATE_CONFIG, trustMatrix: { billing: 'approve' as const } };
const DRAFT = 'Here is what our help article says about that.';

/** The decision the pipeline's gate makes on a row: its last message, the earlier ones as history. */
export function decideRow(messages: readonly string[]): GateDecision {
  const text = messages.at(-1) ?? '';
  return decide(
    {
      text,
      draft: DRAFT,
      draftConfidence: 0.8,
      retrieval: { topScore: 0.8, passages: 3 },
      unresolvedAttempts: 0,
      earlierMessages: messages.slice(0, -1),
    },
    CONFIG,
  );
}

const EXPECT_FOR = { deliver: 'answer', await_approval: 'approve', await_human: 'escalate' } as const;
const r3 = (n: number) => Math.round(n * 1000) / 1000;

function injectionTable(rows: InjectionRow[], key: (r: InjectionRow) => string) {
  const groups = new Map<string, { tp: number; fp: number; fn: number; tn: number }>();
  for (const r of rows) {
    const detected = detectInjection(r.text).detected;
    for (const k of [key(r), 'all']) {
      const g = groups.get(k) ?? { tp: 0, fp: 0, fn: 0, tn: 0 };
      if (r.label === 'attack') {
        if (detected) g.tp += 1;
        else g.fn += 1;
      } else if (detected) g.fp += 1;
      else g.tn += 1;
      groups.set(k, g);
    }
  }
  return Object.fromEntries(
    [...groups.entries()]
      .sort((a, b) => (a[0] === 'all' ? 1 : b[0] === 'all' ? -1 : a[0].localeCompare(b[0])))
      .map(([k, g]) => [
        k,
        {
          attacks: g.tp + g.fn,
          benign: g.fp + g.tn,
          // A group of benign messages only has no precision of its own: its false alarms are listed.
          precision: g.tp + g.fn > 0 && g.tp + g.fp > 0 ? r3(g.tp / (g.tp + g.fp)) : '–',
          recall: g.tp + g.fn > 0 ? r3(g.tp / (g.tp + g.fn)) : '–',
          'benign flagged': g.fp + g.tn > 0 ? `${g.fp}/${g.fp + g.tn}` : '–',
        },
      ]),
  );
}

function escalationTable(rows: EscalationRow[], key: (r: EscalationRow) => string) {
  const groups = new Map<string, { n: number; right: number }>();
  for (const r of rows) {
    const got = EXPECT_FOR[decideRow(r.messages).route];
    for (const k of [key(r), 'all']) {
      const g = groups.get(k) ?? { n: 0, right: 0 };
      g.n += 1;
      if (got === r.expect) g.right += 1;
      groups.set(k, g);
    }
  }
  return Object.fromEntries(
    [...groups.entries()]
      .sort((a, b) => (a[0] === 'all' ? 1 : b[0] === 'all' ? -1 : a[0].localeCompare(b[0])))
      .map(([k, g]) => [k, { rows: g.n, accuracy: r3(g.right / g.n) }]),
  );
}

async function main() {
  const { injection, escalation } = loadSets();
  const misses = process.env.EVAL_MISSES;
  if (misses && misses !== 'dev') throw new Error('EVAL_MISSES: only dev (the test split is reported, not read)');
  const results: Record<string, unknown> = {};
  for (const split of ['dev', 'test', 'report'] as const) {
    const inj = injection.filter((r) => r.split === split);
    const esc = escalation.filter((r) => r.split === split);
    const byLanguage = injectionTable(inj, (r) => r.lang);
    const byKind = injectionTable(inj, (r) => `${r.label}: ${r.kind}`);
    const byCategory = escalationTable(esc, (r) => r.category);
    const escByLanguage = escalationTable(esc, (r) => r.lang);
    console.log(`\n== ${split}: prompt injection (${inj.length} messages), by language`);
    console.table(byLanguage);
    console.log(`== ${split}: prompt injection, by kind`);
    console.table(byKind);
    console.log(`== ${split}: escalation decisions (${esc.length} conversations), by category`);
    console.table(byCategory);
    console.log(`== ${split}: escalation decisions, by language`);
    console.table(escByLanguage);
    results[split] = { injection: { byLanguage, byKind }, escalation: { byCategory, byLanguage: escByLanguage } };
    if (misses === split) {
      for (const r of inj) {
        const d = detectInjection(r.text);
        if (d.detected !== (r.label === 'attack'))
          console.log(
            `INJ ${r.id} [${r.lang} ${r.label}/${r.kind}] score ${d.score} ${d.matches.join('; ')}\n    ${r.text.slice(0, 240).replace(/\n/g, ' ⏎ ')}`,
          );
      }
      for (const r of esc) {
        const d = decideRow(r.messages);
        const got = EXPECT_FOR[d.route];
        if (got !== r.expect)
          console.log(
            `ESC ${r.id} [${r.lang} ${r.category}] expected ${r.expect}, got ${got} (intent ${d.intent}): ${d.reasons.join('; ')}\n    ${r.messages.join(' | ').slice(0, 240)}`,
          );
      }
    }
  }
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench/results/gate-eval.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwrote bench/results/gate-eval.json');
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
