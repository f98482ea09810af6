/**
 * Splits a document into retrievable chunks. Markdown is cut along its ATX headings (`#` to
 * `######`, not inside fenced code) and then along paragraphs; each chunk carries its heading
 * path ("Shipping > International"). Plain text is cut along paragraphs. Chunks aim at
 * `targetSize` characters; consecutive chunks of one section share about `overlap` characters,
 * so a sentence cut off at a chunk's end is still read whole in the next. A paragraph longer
 * than a chunk is cut at sentences, then words. Deterministic: the same text, the same chunks.
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
  return result;
}

/**
 * Cuts a paragraph longer than `max` into pieces of at most `max` characters: at line breaks
 * and sentence ends, then at spaces, then anywhere. Pieces keep the separator they were cut at.
 */
function piecesOf(paragraph: string, max: number): Piece[] {
  if (paragraph.length <= max) return [{ text: paragraph, joiner: '\n\n' }];
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
      const carried = tail(current, s.overlap);
      current = carried ? carried + piece.joiner + piece.text : piece.text;
    }
  }
  if (current) chunks.push(current);
  return chunks.map((text) => ({ heading, text }));
}
