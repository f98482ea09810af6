/**
 * Which language a text is in, as the PostgreSQL text-search configuration that stems it.
 *
 * A text's words are compared with the most frequent function words of each language (articles,
 * pronouns, prepositions, auxiliaries: the words every sentence has, whatever its topic), each
 * counting less the more languages share it, plus a few letters only some languages use (ñ, ã,
 * ß). Ties and texts without function words are decided by character trigrams: each language's
 * profile is built from its function words and its support vocabulary (lexicon-data.ts), so
 * "reembolso demora" reads as Portuguese or Spanish, not English. A text too short or too mixed
 * to tell is `simple` (no stemming, no stop words), which still matches exact words in any language. Scripts other than Latin go by script:
 * Devanagari is `hindi`, Cyrillic `russian`, Greek `greek`, Arabic `arabic`.
 *
 * The configurations named here exist on PostgreSQL 15 and later and on PGlite.
 */

import { CROSS_LINGUAL_LEXICON } from './lexicon-data';

export const TEXT_SEARCH_LANGUAGES = [
  'english',
  'spanish',
  'portuguese',
  'french',
  'german',
  'italian',
  'dutch',
  'indonesian',
  'hindi',
  'russian',
  'greek',
  'arabic',
  'simple',
] as const;
export type TextSearchLanguage = (typeof TEXT_SEARCH_LANGUAGES)[number];

/** ISO 639-1 codes of the configurations, for prompts and people. */
export const LANGUAGE_CODES: Record<TextSearchLanguage, string> = {
  english: 'en',
  spanish: 'es',
  portuguese: 'pt',
  french: 'fr',
  german: 'de',
  italian: 'it',
  dutch: 'nl',
  indonesian: 'id',
  hindi: 'hi',
  russian: 'ru',
  greek: 'el',
  arabic: 'ar',
  simple: 'und',
};

const FUNCTION_WORDS: Partial<Record<TextSearchLanguage, string>> = {
  english:
    'the a an and or of to in on for with is are was were be been do does did have has had i you my your we our it this that what how when where why can could would will should not no if at by from my me there which who please',
  spanish:
    'el la los las un una unos unas y o de del al en con por para es son está están estoy fue ser hay que qué cómo cuándo dónde por qué mi mis tu su nuestro yo me se lo le les no sí puedo puede quiero tengo tiene muy pero cuánto cuanto ya este esta',
  portuguese:
    'o a os as um uma uns umas e ou de do da dos das no na nos nas em com por para é são está estão estou foi ser há que como quando onde meu minha meus seu sua eu me se não sim posso pode quero tenho tem muito mas quanto já isso este esta você',
  french:
    'le la les un une des et ou de du au aux en avec pour par est sont suis été être il elle je tu vous nous mon ma mes votre vos que qui quoi comment quand où pourquoi ne pas oui puis peut veux ai avez a très mais combien ce cette',
  german:
    'der die das den dem des ein eine einen einem und oder von zu im in mit für ist sind war bin sein ich du sie wir mein meine ihr ihre unser was wie wann wo warum nicht kein ja kann können will habe hat sehr aber wieviel wie viel auf bei',
  italian:
    'il lo la i gli le un una e o di del della dei in con per è sono sono stato essere io tu lei noi mio mia suo sua che come quando dove perché non sì posso può voglio ho ha molto ma quanto questo questa',
  dutch:
    'de het een en of van in op met voor is zijn was ben ik jij je u wij mijn uw ons wat hoe wanneer waar waarom niet geen ja kan kunnen wil heb heeft zeer maar hoeveel dit deze',
  indonesian:
    'yang dan atau di ke dari untuk dengan ini itu adalah saya aku kamu anda kami kita apa bagaimana kapan dimana mengapa kenapa tidak bukan ya bisa dapat mau ingin ada sudah belum berapa akan saja juga',
};

const WORDS = new Map<TextSearchLanguage, Set<string>>(
  Object.entries(FUNCTION_WORDS).map(([language, words]) => [language as TextSearchLanguage, new Set(words.split(' '))]),
);

/** How many languages list a function word: a word of one language only says more. */
const SHARED = new Map<string, number>();
for (const words of WORDS.values()) for (const w of words) SHARED.set(w, (SHARED.get(w) ?? 0) + 1);

/** The configuration of an ISO 639-1 code (`es` → `spanish`): LANGUAGE_CODES read the other way. */
export const CONFIG_OF_CODE: Readonly<Record<string, TextSearchLanguage>> = Object.fromEntries(
  Object.entries(LANGUAGE_CODES).map(([config, code]) => [code, config as TextSearchLanguage]),
);

const trigrams = (word: string) => {
  const padded = ` ${word} `;
  const grams: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i += 1) grams.push(padded.slice(i, i + 3));
  return grams;
};

/** Per language, log-probabilities of character trigrams (add-one smoothed), from its known words. */
const PROFILES = (() => {
  const texts = new Map<TextSearchLanguage, string[]>();
  for (const [language, words] of WORDS) texts.set(language, [...words]);
  const english = texts.get('english')!;
  for (const [code, entries] of Object.entries(CROSS_LINGUAL_LEXICON)) {
    const language = CONFIG_OF_CODE[code]!;
    for (const [foreign, translations] of Object.entries(entries)) {
      texts.get(language)!.push(...foreign.split(' '));
      for (const t of translations) english.push(...t.split(' '));
    }
  }
  const profiles = new Map<TextSearchLanguage, { logp: Map<string, number>; unseen: number }>();
  for (const [language, words] of texts) {
    const counts = new Map<string, number>();
    let total = 0;
    for (const w of words)
      for (const g of trigrams(w)) {
        counts.set(g, (counts.get(g) ?? 0) + 1);
        total += 1;
      }
    const denominator = total + counts.size + 1;
    profiles.set(language, {
      logp: new Map([...counts].map(([g, c]) => [g, Math.log((c + 1) / denominator)])),
      unseen: Math.log(1 / denominator),
    });
  }
  return profiles;
})();

/** The language whose trigram profile explains the words best, with its margin over the next (per trigram). */
function byTrigrams(words: readonly string[]): { language: TextSearchLanguage; margin: number } | undefined {
  const grams = words.filter((w) => w.length > 1).flatMap(trigrams);
  if (grams.length < 4) return undefined;
  const scores = [...PROFILES].map(([language, profile]) => {
    let sum = 0;
    for (const g of grams) sum += profile.logp.get(g) ?? profile.unseen;
    return { language, score: sum / grams.length };
  });
  scores.sort((a, b) => b.score - a.score);
  return { language: scores[0]!.language, margin: scores[0]!.score - scores[1]!.score };
}

/** Trigram margin (nats per trigram) below which the trigrams do not decide. */
const TRIGRAM_MARGIN = 0.05;

/** Letters that point at one language (a weak hint, counted once per text). */
const LETTER_HINTS: Array<[RegExp, TextSearchLanguage]> = [
  [/[ñ¿¡]/, 'spanish'],
  [/[ãõ]|ç[ãaõo]/, 'portuguese'],
  [/[ß]|\b\w*(?:ä|ö|ü)\w*\b/, 'german'],
  [/[èêàù]|\b(?:l|d|qu|j|n)'/, 'french'],
];

const withoutApostrophes = (word: string) => word.replace(/'/g, '');

/** Words a text must have before its language is guessed from them. */
const MIN_WORDS = 2;

export function detectLanguage(text: string): TextSearchLanguage {
  if (/\p{Script=Devanagari}/u.test(text)) return 'hindi';
  if (/\p{Script=Cyrillic}/u.test(text)) return 'russian';
  if (/\p{Script=Greek}/u.test(text)) return 'greek';
  if (/\p{Script=Arabic}/u.test(text)) return 'arabic';
  const words = text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  if (words.length < MIN_WORDS) return 'simple';
  const scores = new Map<TextSearchLanguage, number>();
  for (const [language, vocabulary] of WORDS) {
    let hits = 0;
    for (const w of words) if (vocabulary.has(w)) hits += 1 / SHARED.get(w)!;
    scores.set(language, hits);
  }
  const lower = text.toLowerCase();
  for (const [pattern, language] of LETTER_HINTS) if (pattern.test(lower)) scores.set(language, (scores.get(language) ?? 0) + 1);
  const ranked = [...scores].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  const clear = best && best[1] >= 1 && (!second || best[1] - second[1] >= 0.5);
  if (clear) return best[0];
  // Function words do not decide (too few, or shared by two languages): the letters do, among the
  // languages the words allow (all of them when there were none).
  // Without any function word, letters alone decide only over a few words (two are too few to tell).
  const trigram = (best && best[1] > 0) || words.length >= 3 ? byTrigrams(words.map((w) => withoutApostrophes(w))) : undefined;
  const allowed = best && best[1] > 0 ? ranked.filter(([, score]) => score >= best[1] - 0.5).map(([l]) => l) : undefined;
  if (trigram && trigram.margin >= TRIGRAM_MARGIN && (!allowed || allowed.includes(trigram.language))) return trigram.language;
  if (allowed && trigram && allowed.includes(trigram.language)) return trigram.language;
  return best && best[1] >= 1 && (!second || best[1] > second[1]) ? best[0] : 'simple';
}

/** The language of a document: of the most of its text, counting each paragraph by its length. */
export function dominantLanguage(paragraphs: readonly string[]): TextSearchLanguage {
  const weight = new Map<TextSearchLanguage, number>();
  for (const p of paragraphs) {
    const language = detectLanguage(p);
    if (language !== 'simple') weight.set(language, (weight.get(language) ?? 0) + p.length);
  }
  const best = [...weight].sort((a, b) => b[1] - a[1])[0];
  return best?.[0] ?? 'simple';
}
