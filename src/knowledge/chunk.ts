/**
 * Splits a document into retrievable chunks. Markdown is cut along its ATX headings (`#` to
 * `######`, not inside fenced code) and then along paragraphs; each chunk carries its heading
 * path ("Shipping > International"). Plain text is cut along paragraphs. Chunks aim at
 * `targetSize` characters; consecutive chunks of one section share about `overlap` characters,
 * so a sentence cut off at a chunk's end is still read whole in the next. A paragraph longer
 * than a chunk is cut at sentences, then words. Deterministic: the same text, the same chunks.
 *
 * Tables and lists stay readable when cut: a markdown table longer than a chunk is cut between
 * rows, each part repeating the header row, and a list is cut between items, each part
 * repeating the sentence that leads into it ("To set up your router:"), which is kept with its
 * list as one paragraph. So every row keeps the names of its columns and every step its purpose.
 *
 * Hidden text: an HTML comment in markdown (`<!-- internal: refunds over €500 need Sam -->`)
 * is an editor's note. It stays in the stored document but never becomes part of a chunk, so
 * no search finds it, no model reads it and no reply can reveal it.
 */
import type { DocumentContentType } from '../db/schema';

export interface Chunk {
  /** 0, 1, 2, … in document order. */
  position: number;
  /** The heading path, outermost first, joined with " > "; null before any heading and in plain text. */
  heading: string | null;
  text: string;
}

export interface ChunkOptions {
  /** Characters a chunk aims at (default 800). */
  targetSize?: number;
  /** Characters repeated from the end of one chunk at the start of the next in the same section (default 100). */
  overlap?: number;
}

export const CHUNK_TARGET_SIZE = 800;
export const CHUNK_OVERLAP = 100;
export const HEADING_SEPARATOR = ' > ';

export function chunkDocument(content: string, contentType: DocumentContentType, options: ChunkOptions = {}): Chunk[] {
  return contentType === 'text/markdown' ? chunkMarkdown(content, options) : chunkPlainText(content, options);
}

/** Markdown without its HTML comments (an unclosed one hides the rest, as a renderer would). */
export function withoutHiddenText(markdown: string): string {
  return markdown.replace(/<!--[\s\S]*?(?:-->|$)/g, '');
}

export function chunkMarkdown(markdown: string, options: ChunkOptions = {}): Chunk[] {
  return number(splitSections(normalize(withoutHiddenText(markdown))).flatMap((s) => packSection(s.heading, s.body, settings(options))));
}

export function chunkPlainText(text: string, options: ChunkOptions = {}): Chunk[] {
  return number(packSection(null, normalize(text).split('\n'), settings(options)));
}

/** The text of the first heading of a markdown document, if it has one (for a title). */
export function firstHeading(markdown: string): string | undefined {
  let fence: Fence | undefined;
  for (const line of normalize(markdown).split('\n')) {
    fence = nextFence(fence, line);
    if (fence) continue;
    const heading = parseHeading(line);
    if (heading?.text) return heading.text;
  }
  return undefined;
}

interface Settings {
  target: number;
  overlap: number;
  /** The longest piece packed as a whole, so that overlap + piece stays within the target. */
  maxPiece: number;
}

function settings({ targetSize = CHUNK_TARGET_SIZE, overlap = CHUNK_OVERLAP }: ChunkOptions): Settings {
  if (!(targetSize >= 50)) throw new RangeError('targetSize must be at least 50 characters');
  const safeOverlap = Math.max(0, Math.min(overlap, Math.floor(targetSize / 4)));
  return { target: targetSize, overlap: safeOverlap, maxPiece: targetSize - safeOverlap };
}

const normalize = (text: string) => text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');

function number(chunks: Array<Omit<Chunk, 'position'>>): Chunk[] {
  return chunks.map((c, position) => ({ position, heading: c.heading, text: c.text }));
}

// --- Sections ---------------------------------------------------------------------------

interface Section {
  heading: string | null;
  body: string[];
}

interface Fence {
  char: string;
  length: number;
}

/** Opens, keeps or closes a fenced code block (``` or ~~~) as `line` is read. */
function nextFence(open: Fence | undefined, line: string): Fence | undefined {
  const match = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
  if (!match) return open;
  const marker = match[1]!;
  if (!open) return marker[0] === '`' && match[2]!.includes('`') ? undefined : { char: marker[0]!, length: marker.length };
  return marker[0] === open.char && marker.length >= open.length && match[2]!.trim() === '' ? undefined : open;
}

function parseHeading(line: string): { level: number; text: string } | undefined {
  const match = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
  if (!match) return undefined;
  return { level: match[1]!.length, text: (match[2] ?? '').replace(/^#+$/, '').trim() };
}

function splitSections(markdown: string): Section[] {
  const sections: Section[] = [{ heading: null, body: [] }];
  const stack: Array<{ level: number; text: string }> = [];
  let fence: Fence | undefined;
  for (const line of markdown.split('\n')) {
    const wasInFence = fence !== undefined;
    fence = nextFence(fence, line);
    const heading = wasInFence || fence ? undefined : parseHeading(line);
    if (!heading) {
      sections[sections.length - 1]!.body.push(line);
      continue;
    }
    while (stack.length > 0 && stack[stack.length - 1]!.level >= heading.level) stack.pop();
    if (heading.text) stack.push(heading);
    const path = stack.map((h) => h.text).join(HEADING_SEPARATOR);
    sections.push({ heading: path || null, body: [] });
  }
  return sections;
}

// --- Packing ----------------------------------------------------------------------------

/** A unit that is never split further when packed; `joiner` goes between it and what precedes it. */
interface Piece {
  text: string;
  joiner: string;
  /** A later part of a table or list: it repeats its own context, so no overlap goes before it. */
  continues?: boolean;
}

/** Paragraphs of a section: runs of non-blank lines; a fenced code block is one paragraph. */
function paragraphs(lines: string[]): string[] {
  const result: string[] = [];
  let current: string[] = [];
  let fence: Fence | undefined;
  const flush = () => {
    const text = current.join('\n').trim();
    if (text) result.push(text);
    current = [];
  };
  for (const line of lines) {
    fence = nextFence(fence, line);
    if (!fence && line.trim() === '') flush();
    else current.push(line.replace(/\s+$/, ''));
  }
  flush();
  return joinLeadSentences(result);
}

const LIST_ITEM = /^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+/;
const TABLE_ROW = /^\s{0,3}\|/;
const TABLE_RULE = /^\s{0,3}\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$/;

/** A sentence that leads into the list or table after it ("You will need:") is kept with it as one paragraph. */
function joinLeadSentences(paragraphs: string[]): string[] {
  const result: string[] = [];
  for (const paragraph of paragraphs) {
    const previous = result[result.length - 1];
    const first = paragraph.split('\n')[0]!;
    if (previous !== undefined && /:\s*$/.test(previous) && !structure(previous) && (LIST_ITEM.test(first) || TABLE_ROW.test(first))) {
      result[result.length - 1] = `${previous}\n${paragraph}`;
    } else {
      result.push(paragraph);
    }
  }
  return result;
}

/**
 * A table or list paragraph as what every part of it must repeat (the lead sentence, the header
 * row and its rule) and its items (rows; list items with their continuation lines).
 */
export function structure(paragraph: string): { prefix: string[]; items: string[] } | undefined {
  const lines = paragraph.split('\n');
  const tableAt = lines.findIndex((line, i) => TABLE_ROW.test(line) && TABLE_RULE.test(lines[i + 1] ?? ''));
  if (tableAt >= 0 && lines.slice(tableAt + 2).every((line) => TABLE_ROW.test(line))) {
    return { prefix: lines.slice(0, tableAt + 2), items: lines.slice(tableAt + 2) };
  }
  const listAt = lines.findIndex((line) => LIST_ITEM.test(line));
  if (listAt < 0) return undefined;
  const items: string[] = [];
  for (const line of lines.slice(listAt)) {
    if (LIST_ITEM.test(line) || items.length === 0) items.push(line);
    else items[items.length - 1] += `\n${line}`;
  }
  return { prefix: lines.slice(0, listAt), items };
}

/**
 * Cuts a paragraph longer than `max` into pieces of at most `max` characters: at line breaks
 * and sentence ends, then at spaces, then anywhere. Pieces keep the separator they were cut at.
 */
function piecesOf(paragraph: string, max: number): Piece[] {
  if (paragraph.length <= max) return [{ text: paragraph, joiner: '\n\n' }];
  const block = structure(paragraph);
  if (block) {
    const prefix = block.prefix.join('\n');
    // Rows or items in groups that fit with the prefix repeated; an item too long on its own is cut as text.
    const room = max - (prefix ? prefix.length + 1 : 0);
    if (room >= max / 3) {
      const groups: string[][] = [];
      for (const item of block.items.flatMap((i) => (i.length <= room ? [i] : splitLong(i, room)))) {
        const group = groups[groups.length - 1];
        if (group && group.join('\n').length + 1 + item.length <= room) group.push(item);
        else groups.push([item]);
      }
      return groups.map((group, i) => ({ text: [...(prefix ? [prefix] : []), ...group].join('\n'), joiner: '\n\n', continues: i > 0 }));
    }
  }
  const units: Piece[] = paragraph.split('\n').flatMap((line) =>
    line
      .split(/(?<=[.!?])\s+/)
      .flatMap((sentence) => splitLong(sentence, max))
      .filter((text) => text.trim() !== '')
      .map((text, i) => ({ text, joiner: i === 0 ? '\n' : ' ' })),
  );
  const pieces: Piece[] = [];
  let current: Piece | undefined;
  for (const unit of units) {
    if (current && current.text.length + unit.joiner.length + unit.text.length <= max) {
      current.text += unit.joiner + unit.text;
      continue;
    }
    if (current) pieces.push(current);
    current = { text: unit.text, joiner: current ? unit.joiner : '\n\n' };
  }
  if (current) pieces.push(current);
  return pieces;
}

/** A sentence longer than `max`, cut at spaces (or hard, for a single huge word). */
function splitLong(sentence: string, max: number): string[] {
  if (sentence.length <= max) return [sentence];
  const parts: string[] = [];
  let rest = sentence;
  while (rest.length > max) {
    const space = rest.lastIndexOf(' ', max);
    const cut = space > max / 2 ? space : max;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** The last ~`size` characters of a chunk, starting at a word. */
function tail(text: string, size: number): string {
  if (size === 0 || text.length <= size) return size === 0 ? '' : text;
  const start = text.length - size;
  if (/\s/.test(text[start - 1]!)) return text.slice(start).trim();
  const space = text.slice(start).search(/\s/);
  return space === -1 ? '' : text.slice(start + space).trim();
}

function packSection(heading: string | null, body: string[], s: Settings): Array<Omit<Chunk, 'position'>> {
  const chunks: string[] = [];
  let current = '';
  for (const piece of paragraphs(body).flatMap((p) => piecesOf(p, s.maxPiece))) {
    if (!current) {
      current = piece.text;
    } else if (current.length + piece.joiner.length + piece.text.length <= s.target) {
      current += piece.joiner + piece.text;
    } else {
      chunks.push(current);
      const carried = piece.continues ? '' : tail(current, s.overlap);
      current = carried ? carried + piece.joiner + piece.text : piece.text;
    }
  }
  if (current) chunks.push(current);
  return chunks.map((text) => ({ heading, text }));
}
