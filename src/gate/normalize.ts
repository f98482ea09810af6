/**
 * Text folding shared by the gate: what a customer typed, reduced to what it says.
 * Lowercase, accents and zero-width characters gone, look-alike letters mapped to Latin,
 * whitespace collapsed. Pure and deterministic.
 */

/** Invisible characters used to split words without changing how they look. */
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF]/g;

/** Cyrillic and Greek letters that look like Latin ones (lowercase; applied after lowercasing). */
const LOOKALIKES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ɡ: 'g',
  ı: 'i',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
};
const LOOKALIKE_RE = new RegExp(`[${Object.keys(LOOKALIKES).join('')}]`, 'g');

/** Letters that Unicode decomposition does not split into base + accent. */
const LIGATURES: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th' };
const LIGATURE_RE = new RegExp(`[${Object.keys(LIGATURES).join('')}]`, 'g');

/** Unicode compatibility forms (fullwidth, bold maths letters) become plain ones; invisible characters go. */
export function stripInvisible(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '');
}

/** Lowercase, accents folded, invisible characters removed, look-alikes mapped; newlines kept, other runs of space collapsed. */
export function fold(text: string): string {
  return stripInvisible(text)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(LIGATURE_RE, (c) => LIGATURES[c] ?? c)
    .replace(LOOKALIKE_RE, (c) => LOOKALIKES[c] ?? c)
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n[\s]*/g, '\n')
    .trim();
}

/** Folded, and everything that is not a letter or a digit turned into a single space. */
export function foldWords(text: string): string {
  return fold(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Regex source: a word or phrase starts here (no letter or digit before it). */
export const START = '(?<![\\p{L}\\p{N}])';
/** Regex source: a word or phrase ends here (no letter or digit after it). */
export const END = '(?![\\p{L}\\p{N}])';

/**
 * Whether a phrase occurs in the text as whole words: both folded the same way, so
 * "Réprésentant" matches "representant" and "speak-to someone" matches "speak to someone".
 */
export function containsPhrase(foldedWords: string, phrase: string): boolean {
  const needle = foldWords(phrase);
  if (needle === '') return false;
  return new RegExp(`${START}${escapeRegExp(needle).replace(/ /g, ' +')}${END}`, 'u').test(foldedWords);
}

/** Words in a row a reply must share with a secret text to count as repeating it. */
export const REPEATED_WORDS = 8;

/**
 * Whether `text` repeats `secret`: some run of REPEATED_WORDS words of the secret occurs in it,
 * folded the same way (case, accents, punctuation and spacing do not hide it).
 */
export function repeatsText(text: string, secret: string, run = REPEATED_WORDS): boolean {
  const words = foldWords(secret).split(' ').filter(Boolean);
  if (words.length < run) return false;
  const haystack = ` ${foldWords(text)} `;
  for (let i = 0; i + run <= words.length; i += 1) {
    if (haystack.includes(` ${words.slice(i, i + run).join(' ')} `)) return true;
  }
  return false;
}
