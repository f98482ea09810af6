/** Text helpers shared by search, drafting and the lexicon. */

/** The text with its diacritics removed ("devolución" → "devolucion"), as the knowledge is indexed. */
export const withoutAccents = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC');
