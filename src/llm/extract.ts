/**
 * Extractive answering for the offline adapter: the sentences, table rows and list steps of the
 * retrieved passages that answer the question, not the first sentence of the best passage.
 *
 * Each passage is cut into units: sentences; table rows, each read with its column names
 * ("Plan: Fibre 500, Price: £40 a month"); a list with the sentence that leads into it. A unit
 * scores the question's words it contains (weighed by how rare they are among the units, so
 * "Christmas" counts more than "hours"), the words of the heading it sits under (at a discount),
 * and whether it holds what the question asks for: an amount or a price for "how much", a
 * duration or a date for "how long" and "when", a number for "how many", steps for "how do I".
 * Words of a question in another language are read through the cross-lingual lexicon.
 *
 * A question of several parts ("How much is X, and can I get Y?") is answered part by part, each
 * part with its best unit. A question naming something that no passage mentions (a holiday, a
 * product, a place) is not answered with what the passages say about something else.
 */
import { CROSS_LINGUAL_LEXICON } from '../knowledge/lexicon-data';
import { detectLanguage, LANGUAGE_CODES } from '../knowledge/language';
import { withoutAccents } from '../knowledge/text';
import type { Passage } from './types';

export interface Extracted {
  /** The answer, or undefined when nothing in the passages answers the question. */
  text?: string;
  /** Indexes of the passages used. */
  citations: number[];
  /** 0..1: how much of the question the chosen units cover. */
  coverage: number;
  /** The units chosen, by passage index and place in it. */
  chosen?: Array<{ passage: number; order: number }>;
}

interface Unit {
  text: string;
  passage: number;
  order: number;
  /** The unit's words, as roots. */
  roots: Set<string>;
  /** The roots of its heading path (document title, the section it sits under, a table row's column names). */
  headingRoots: Set<string>;
  /** Which section of its passage it sits under (a heading inside the passage starts the next). */
  section: number;
  kind: 'sentence' | 'row' | 'list';
}

const STOP = new Set(
  (
    'a an and are as at be been but by can could do does did for from had has have how i if in into is it its me my of on or our ' +
    'so than that the their them then there these they this to us was we were what when where which who why will with would you your ' +
    'about also any get got just please thanks thank hi hello hey need want know tell like some much many long take'
  ).split(' '),
);

/** What a question asks for, by its question words in the languages the product reads. */
const ASKS: Array<{ kind: 'amount' | 'time' | 'count' | 'steps' | 'place' | 'contact'; pattern: RegExp }> = [
  {
    kind: 'amount',
    pattern:
      /\b(how much|cost|costs|price|prices|fee|fees|charge|charges|pay|cuanto|cuesta|precio|quanto|custa|preco|combien|prix|coute|wie ?viel|kostet|preis|quanto costa|prezzo|berapa|harga|biaya)\b/,
  },
  {
    kind: 'time',
    pattern:
      /\b(how long|when|what time|hours|open|opening|days|until|deadline|cuando|cuanto tiempo|horario|quando|quanto tempo|horas|quand|combien de temps|heures|wann|wie lange|uhrzeit|quando|kapan|berapa lama|jam)\b/,
  },
  { kind: 'count', pattern: /\b(how many|number of|cuantos|cuantas|quantos|quantas|combien de|wie viele|quanti|berapa banyak)\b/ },
  {
    kind: 'steps',
    pattern:
      /\b(how (do|can|should) (i|we)|how to|steps|set up|setup|activate|install|como (puedo|hago|se)|como posso|comment (faire|puis)|wie (kann|richte)|come (posso|faccio)|bagaimana cara|gimana)\b/,
  },
  {
    kind: 'contact',
    pattern: /\b(phone number|call|contact|email|e-mail|address|telefono|llamar|telefone|ligar|telephone|appeler|telefon|anrufen|telefonare|nomor|hubungi)\b/,
  },
  { kind: 'place', pattern: /\b(where|donde|onde|ou|wo|dove|di mana|dimana)\b/ },
];

const HAS: Record<(typeof ASKS)[number]['kind'], RegExp> = {
  amount: /[£$€]\s?\d|\d\s?(?:p|pence|eur|euros?|dollars?|pounds?)\b|\bfree\b/i,
  time: /\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\b|\b\d+\s?(?:working |business )?(?:days?|hours?|weeks?|months?|years?|minutes?)\b|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december)\b/i,
  count: /\b\d+\b/,
  steps: /^\s*(?:\d+[.)]|[-*+])\s/m,
  contact: /\b0\d{3,4}\s?\d{3}\s?\d{3,4}\b|@|\b\d{5}\b|https?:\/\/|\bwww\./i,
  place: /\b(?:street|road|store|shop|branch|address|centre|center)\b/i,
};

/** Parts of a question asked together: its sentences, and clauses joined by "and also", "and can I". */
export function questionParts(question: string): string[] {
  const sentences = question
    .split(/(?<=[?!.])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const parts = sentences.flatMap((s) =>
    s.split(
      /,?\s+(?:and also|and what about|and how|and can|and do|and is|and are|and will|and what|also,|plus|y también|y cuánto|e também|et aussi|und auch|e anche|dan juga)\s+/i,
    ),
  );
  return parts.map((p) => p.trim()).filter((p) => contentWords(p).length > 0);
}

/** A word's root: accents and case removed, common English endings cut, at most 6 letters kept. */
export function root(word: string): string {
  let w = withoutAccents(word.toLowerCase());
  if (w.length > 5) w = w.replace(/(?:ing|ed|ies|es|s|ly|ment|ation|ations)$/, '');
  return w.slice(0, 6);
}

export const contentWords = (text: string): string[] =>
  (withoutAccents(text.toLowerCase()).match(/[\p{L}\p{N}]+(?:[.,][\p{N}]+)*/gu) ?? []).filter((w) => !STOP.has(w) && (w.length > 1 || /\d/.test(w)));

/**
 * The question's words as groups of roots: a word's own root, or in another language the roots
 * of its English translations (any one of them matches the word).
 */
function questionRoots(question: string): string[][] {
  const words = contentWords(question);
  const code = LANGUAGE_CODES[detectLanguage(question)];
  const lexicon = (CROSS_LINGUAL_LEXICON as Record<string, Record<string, readonly string[]>>)[code];
  const groups: string[][] = [];
  for (let i = 0; i < words.length; i += 1) {
    let group: string[] | undefined;
    if (lexicon) {
      for (const length of [3, 2, 1]) {
        const phrase = words.slice(i, i + length).join(' ');
        const english = lexicon[phrase] ?? lexiconByPlainKey(code, phrase);
        if (english) {
          group = [...new Set(english.flatMap((e) => contentWords(e).map(root)))];
          i += length - 1;
          break;
        }
      }
    }
    group ??= [root(words[i]!)];
    if (group.length > 0 && !groups.some((g) => g.join() === group.join())) groups.push(group);
  }
  return groups;
}

const plainKeys = new Map<string, Map<string, readonly string[]>>();
function lexiconByPlainKey(code: string, phrase: string): readonly string[] | undefined {
  let map = plainKeys.get(code);
  if (!map) {
    map = new Map();
    const entries = (CROSS_LINGUAL_LEXICON as Record<string, Record<string, readonly string[]>>)[code] ?? {};
    for (const [k, v] of Object.entries(entries)) map.set(withoutAccents(k), v);
    plainKeys.set(code, map);
  }
  return map.get(phrase);
}

const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TABLE_RULE = /^\s*\|?\s*:?-{2,}/;
const LIST_ITEM = /^\s*(?:[-*+]|\d{1,3}[.)])\s+/;

const cells = (row: string) =>
  row
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim().replace(/\*\*/g, ''));

/** A passage as units: sentences, table rows read with their header, lists with their lead. */
function unitsOf(passage: Passage, index: number): Unit[] {
  // `context`: the heading words a unit sits under; `words`: what its own roots are read from.
  const units: Array<Omit<Unit, 'roots' | 'headingRoots'> & { context: string; words?: string }> = [];
  const lines = passage.text.split('\n');
  let section = 0;
  let sectionHeading = '';
  let header: string[] | undefined;
  let lead = '';
  let list: string[] = [];
  const flushList = () => {
    if (list.length > 0)
      units.push({ text: [lead, ...list].filter((l) => l).join('\n'), passage: index, order: units.length, kind: 'list', section, context: sectionHeading });
    list = [];
  };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (TABLE_ROW.test(line)) {
      flushList();
      if (TABLE_RULE.test(lines[i + 1] ?? '')) {
        header = cells(line);
        i += 1;
        continue;
      }
      const values = cells(line);
      const text = header ? values.map((v, j) => (header![j] ? `${header![j]}: ${v}` : v)).join(', ') : values.join(', ');
      // The column names are the row's heading: "Team or service" does not make every row about service.
      units.push({
        text,
        passage: index,
        order: units.length,
        kind: 'row',
        section,
        context: `${sectionHeading} ${(header ?? []).join(' ')}`,
        words: values.join(' '),
      });
      continue;
    }
    header = undefined;
    if (LIST_ITEM.test(line)) {
      list.push(line.trim());
      continue;
    }
    if (list.length > 0 && /^\s{2,}\S/.test(line)) {
      list[list.length - 1] += ` ${line.trim()}`;
      continue;
    }
    flushList();
    const heading = /^\s*#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      section += 1;
      sectionHeading = heading[1]!;
      lead = '';
      continue;
    }
    const sentences = line
      .split(/(?<=[.!?])\s+(?=[A-Z0-9"'(])/)
      .map((s) => s.trim().replace(/^#+\s*/, ''))
      .filter((s) => s.length > 0);
    for (const sentence of sentences) units.push({ text: sentence, passage: index, order: units.length, kind: 'sentence', section, context: sectionHeading });
    lead = sentences.at(-1)?.endsWith(':') ? sentences.at(-1)! : '';
    // A lead sentence is told with its list; it stays a unit of its own too.
  }
  flushList();
  const titleRoots = contentWords(passage.title).map(root);
  return units.map(({ context, words, ...u }) => ({
    ...u,
    roots: new Set(contentWords(words ?? u.text).map(root)),
    headingRoots: new Set([...titleRoots, ...contentWords(context).map(root)]),
  }));
}

/** The share of a part's weight a unit must match to answer it at all (the passages already passed retrieval's floor). */
const MIN_SCORE = 0.1;
/** Characters of an answer at most (a list may run longer, up to its eighth step). */
const MAX_ANSWER_CHARS = 600;

/** Characters of a part's answer: its best unit and the sentences after it in its section. */
const WINDOW_CHARS = 400;
/** Preferences for the better-ranked document, the better-ranked passage, and a passage about the part as a whole. */
const PRIOR_DOC = 0.1;
/** A sentence that goes on with the one before it. */
const REFERS_BACK = /^(?:this|that|these|those|it|they|you|if so|then|after that|once|otherwise|however|but|also)\b/i;
const PRIOR_PASSAGE = 0.1;
const PRIOR_PASSAGE_SHARE = 0.25;

export function extractAnswer(question: string, passages: readonly Passage[]): Extracted {
  const units = passages.flatMap((p, i) => unitsOf(p, i));
  const documentOrder = [...new Set(passages.map((p) => p.documentId))];
  const docRank = passages.map((p) => documentOrder.indexOf(p.documentId));
  if (units.length === 0) return { citations: [], coverage: 0 };
  const df = new Map<string, number>();
  for (const u of units) for (const r of new Set([...u.roots, ...u.headingRoots])) df.set(r, (df.get(r) ?? 0) + 1);
  const weight = (r: string) => Math.log(1 + units.length / (1 + (df.get(r) ?? 0)));

  const names = namedThings(question);
  const allText = withoutAccents(
    passages
      .map((p) => `${p.title} ${p.text}`)
      .join(' ')
      .toLowerCase(),
  );
  // Something the question names that no passage mentions: the passages are about something else.
  if (names.some((n) => !allText.includes(withoutAccents(n.toLowerCase())))) return { citations: [], coverage: 0 };

  const parts = questionParts(question);
  const chosen: Unit[] = [];
  let covered = 0;
  let total = 0;
  for (const part of parts.length > 0 ? parts : [question]) {
    const groups = questionRoots(part);
    if (groups.length === 0) continue;
    const groupWeight = (g: string[]) => Math.max(...g.map(weight));
    const partWeight = groups.reduce((sum, g) => sum + groupWeight(g), 0);
    total += partWeight;
    const asks = ASKS.filter((a) => a.pattern.test(withoutAccents(part.toLowerCase()))).map((a) => a.kind);
    const passageRoots = passages.map((_, i) => {
      const all = new Set<string>();
      for (const u of units) if (u.passage === i) for (const r of [...u.roots, ...u.headingRoots]) all.add(r);
      return all;
    });
    const shareCache = new Map<number, number>();
    const passageShare = (i: number) => {
      let v = shareCache.get(i);
      if (v === undefined) {
        v = groups.reduce((sum, g) => sum + (g.some((r) => passageRoots[i]!.has(r)) ? groupWeight(g) : 0), 0) / partWeight;
        shareCache.set(i, v);
      }
      return v;
    };
    const has = (u: Unit, r: string) => u.roots.has(r) || [...u.roots].some((x) => x.length >= 5 && r.length >= 5 && (x.startsWith(r) || r.startsWith(x)));
    const scored = units.map((u) => {
      let matched = 0;
      for (const g of groups) {
        if (g.some((r) => has(u, r))) matched += groupWeight(g);
        else if (g.some((r) => u.headingRoots.has(r))) matched += 0.5 * groupWeight(g);
      }
      let bonus = 0;
      for (const kind of asks) if (HAS[kind].test(u.text)) bonus += 0.25;
      if (asks.includes('steps') && u.kind === 'list') bonus += 0.25;
      const share = matched / partWeight;
      // Passages come best first: a preference for the better documents and passages, and for a
      // unit whose passage as a whole is about the part.
      const prior = PRIOR_DOC / (1 + docRank[u.passage]!) + PRIOR_PASSAGE / (1 + u.passage) + PRIOR_PASSAGE_SHARE * passageShare(u.passage);
      // What the question asks for counts as much as the unit is about the question.
      return { unit: u, share, score: share * (1 + bonus) + prior };
    });
    scored.sort((a, b) => b.score - a.score || a.unit.passage - b.unit.passage || a.unit.order - b.unit.order);
    const best = scored[0];
    if (!best || best.share < MIN_SCORE) continue;
    covered += best.share * partWeight;
    if (!chosen.includes(best.unit)) chosen.push(best.unit);
    // A sentence that leads into a list or a table row that needs its neighbour: the next unit too.
    const next = units.find((u) => u.passage === best.unit.passage && u.order === best.unit.order + 1);
    if (next && best.unit.text.endsWith(':') && !chosen.includes(next)) chosen.push(next);
    // The later sentences of its section that go on with it (the part's words, what the part
    // asks for, or a sentence that refers back), while the answer stays short: the fact a
    // sentence introduces is often in the next one. Unrelated sentences are skipped.
    let length = best.unit.text.length;
    for (const u of units) {
      if (u.passage !== best.unit.passage || u.section !== best.unit.section || u.order <= best.unit.order || chosen.includes(u)) continue;
      const goesOn = groups.some((g) => g.some((r) => has(u, r))) || asks.some((k) => HAS[k].test(u.text)) || REFERS_BACK.test(u.text);
      if (!goesOn) continue;
      if (length + u.text.length > WINDOW_CHARS) break;
      chosen.push(u);
      length += u.text.length;
    }
    // A second unit when it adds what the first lacks (the amount, the time) for the same part.
    const second = scored.find(
      (s) =>
        s.unit !== best.unit &&
        !chosen.includes(s.unit) &&
        s.share >= Math.max(MIN_SCORE, best.share * 0.6) &&
        asks.some((k) => HAS[k].test(s.unit.text) && !HAS[k].test(best.unit.text)),
    );
    if (second) chosen.push(second.unit);
  }
  if (chosen.length === 0) return { citations: [], coverage: 0 };
  const ordered = [...chosen].sort((a, b) => a.passage - b.passage || a.order - b.order);
  let text = '';
  for (const u of ordered) {
    const piece = u.kind === 'list' ? u.text.split('\n').slice(0, 9).join('\n') : u.text;
    if (text && text.length + piece.length > MAX_ANSWER_CHARS && u.kind !== 'list') continue;
    text = text ? `${text}${u.kind === 'list' || /\n/.test(text) ? '\n' : ' '}${piece}` : piece;
  }
  return {
    text: text.replace(/\*\*/g, ''),
    citations: [...new Set(ordered.map((u) => u.passage))].sort((a, b) => a - b),
    coverage: total > 0 ? Math.min(1, covered / total) : 0,
    chosen: ordered.map((u) => ({ passage: u.passage, order: u.order })),
  };
}

/** Passages an offline answer quotes at most, and the characters of each beyond its chosen units. */
export const QUOTED_PASSAGES = 3;
export const QUOTE_CHARS = 450;

/**
 * The offline answer as the customer reads it: the passages that answer, quoted — the two the
 * ranking puts first and those whose sentences the question's words chose (extractAnswer), at
 * most QUOTED_PASSAGES, in rank order. Each is read as units (table rows with their column names,
 * lists with their lead), from the start of the section its chosen unit sits in, up to about
 * QUOTE_CHARS characters; a chosen unit is never cut. Quoting the sections rather than the chosen
 * sentences alone carries the fact far more often (evaluation tune splits: 9 → 16 of 39 and
 * 17 → 29 of 37 answerable questions) at about 500 characters. Undefined text: nothing answers.
 */
export function quoteAnswer(question: string, passages: readonly Passage[]): Extracted {
  const answer = extractAnswer(question, passages);
  if (!answer.text) return answer;
  const chosen = answer.chosen ?? [];
  const cited = answer.citations;
  const quoted = [...new Set([...cited, 0, 1])]
    .filter((i) => i < passages.length)
    .slice(0, Math.max(QUOTED_PASSAGES, cited.length))
    .sort((a, b) => a - b);
  const blocks = quoted.map((i) => quotePassage(passages[i]!, i, new Set(chosen.filter((c) => c.passage === i).map((c) => c.order))));
  return { ...answer, text: blocks.filter((b) => b !== '').join('\n\n'), citations: quoted };
}

function quotePassage(passage: Passage, index: number, chosen: ReadonlySet<number>): string {
  const units = unitsOf(passage, index);
  const first = units.find((u) => chosen.has(u.order));
  const start = first ? units.findIndex((u) => u.section === first.section) : 0;
  let text = '';
  const from = units.slice(Math.max(0, start));
  const keep = new Set<number>();
  for (const [i, u] of from.entries()) {
    // A sentence that leads into a list is told with the list.
    const next = from[i + 1];
    if (u.kind === 'sentence' && next?.kind === 'list' && next.text.startsWith(`${u.text}\n`)) {
      if (chosen.has(u.order)) keep.add(next.order);
      continue;
    }
    const piece = u.kind === 'list' ? u.text.split('\n').slice(0, 9).join('\n') : u.text;
    if (text && text.length + piece.length > QUOTE_CHARS && !chosen.has(u.order) && !keep.has(u.order)) {
      // Past the length: only chosen units still to come are added.
      continue;
    }
    text = text ? `${text}${u.kind === 'list' || u.kind === 'row' || /\n/.test(text) ? '\n' : ' '}${piece}` : piece;
  }
  return text.replace(/\*\*/g, '');
}

/**
 * Things an English question names: capitalized words past its first (holidays, products,
 * places), and quoted phrases. Words of the lexicon's languages and the question's first word
 * are not names; nor are words the passages' titles share.
 */
function namedThings(question: string): string[] {
  if (detectLanguage(question) !== 'english') return [];
  const names: string[] = [];
  const words = question.match(/[\p{L}\p{N}'’-]+/gu) ?? [];
  words.forEach((w, i) => {
    if (i === 0 || !/^\p{Lu}\p{Ll}{2,}/u.test(w) || COMMON_CAPITALIZED.has(w.toLowerCase())) return;
    const previous = question.slice(0, question.indexOf(w)).trimEnd();
    if (/[.!?]$/.test(previous)) return; // a sentence's first word
    names.push(w.replace(/['’]s$/, ''));
  });
  return names;
}

/** Capitalized words that are not names of something the knowledge must mention. */
const COMMON_CAPITALIZED = new Set([
  'i',
  'i’m',
  "i'm",
  'ok',
  'hi',
  'hello',
  'please',
  'thanks',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
]);
