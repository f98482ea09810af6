/**
 * The cross-lingual lexicon (lexicon-data.ts) as translation pairs between a question's language
 * and the knowledge's: a foreign word or phrase → the English words a help article would use,
 * and back (English → a foreign knowledge base's words), or between two foreign languages
 * through English. Search stems both sides with PostgreSQL's configuration of their language.
 */
import { CONFIG_OF_CODE } from './language';
import { CROSS_LINGUAL_LEXICON } from './lexicon-data';
import { withoutAccents } from './text';

type LexiconLanguage = keyof typeof CROSS_LINGUAL_LEXICON;

export interface LexiconPair {
  /** Words of the question's language, lowercase, accents removed. */
  source: string;
  /** What it may mean in the knowledge: a configuration and a word or phrase of that language. */
  targets: Array<{ config: string; text: string }>;
}

/** The languages pairs are made for: English and those the lexicon has. */
const paired = (code: string) => code === 'en' || hasLexicon(code);

const hasLexicon = (code: string): code is LexiconLanguage => Object.hasOwn(CROSS_LINGUAL_LEXICON, code);

/** English word or phrase → the words of `language` that translate to it. */
const inverse = new Map<LexiconLanguage, Map<string, string[]>>();
function englishTo(language: LexiconLanguage): Map<string, string[]> {
  let map = inverse.get(language);
  if (!map) {
    map = new Map();
    for (const [foreign, english] of Object.entries(CROSS_LINGUAL_LEXICON[language])) {
      for (const e of english) map.set(e, [...(map.get(e) ?? []), foreign]);
    }
    inverse.set(language, map);
  }
  return map;
}

/** Translation pairs from a question in `from` to knowledge in `to` (ISO codes); [] when the lexicon cannot help. */
export function lexiconPairs(from: string, to: readonly string[]): LexiconPair[] {
  const targets = [...new Set(to)].filter((code) => code !== from && paired(code));
  if (targets.length === 0) return [];
  const sources = new Map<string, Array<{ config: string; text: string }>>();
  const add = (source: string, config: string, text: string) => {
    const key = withoutAccents(source.toLowerCase()).trim();
    if (!key) return;
    const list = sources.get(key) ?? [];
    if (!list.some((t) => t.config === config && t.text === text)) list.push({ config, text });
    sources.set(key, list);
  };
  for (const target of targets) {
    if (from !== 'en' && hasLexicon(from)) {
      for (const [foreign, english] of Object.entries(CROSS_LINGUAL_LEXICON[from])) {
        for (const e of english) {
          if (target === 'en') add(foreign, 'english', e);
          else if (hasLexicon(target)) for (const t of englishTo(target).get(e) ?? []) add(foreign, CONFIG_OF_CODE[target]!, t);
        }
      }
    } else if (from === 'en' && hasLexicon(target)) {
      for (const [english, foreign] of englishTo(target)) for (const f of foreign) add(english, CONFIG_OF_CODE[target]!, f);
    }
  }
  return [...sources].map(([source, list]) => ({ source, targets: list }));
}
