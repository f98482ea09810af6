/** Chunking: along headings and paragraphs, ~800 characters, ~100 of overlap, heading paths, deterministic. */
import { describe, expect, it } from 'vitest';
import { chunkDocument, chunkMarkdown, chunkPlainText, firstHeading } from '../../src/knowledge/chunk';

const sentence = (i: number) => `Sentence number ${i} explains one more detail of the policy in plain words.`;
const paragraph = (from: number, count: number) => Array.from({ length: count }, (_, i) => sentence(from + i)).join(' ');

describe('chunkMarkdown', () => {
  it('when a document has nested headings, then each chunk carries its heading path', () => {
    const chunks = chunkMarkdown(
      [
        'Welcome text before any heading.',
        '# Shipping',
        'We ship from Kendal.',
        '## International',
        'We deliver to the EU.',
        '### Customs',
        'Duties are included.',
        '## UK',
        'Two to four days.',
        '# Returns',
        'Thirty days.',
      ].join('\n\n'),
    );
    expect(chunks).toEqual([
      { position: 0, heading: null, text: 'Welcome text before any heading.' },
      { position: 1, heading: 'Shipping', text: 'We ship from Kendal.' },
      { position: 2, heading: 'Shipping > International', text: 'We deliver to the EU.' },
      { position: 3, heading: 'Shipping > International > Customs', text: 'Duties are included.' },
      { position: 4, heading: 'Shipping > UK', text: 'Two to four days.' },
      { position: 5, heading: 'Returns', text: 'Thirty days.' },
    ]);
  });

  it('when a heading has no text of its own, then it makes no chunk but stays in its children’s path', () => {
    const chunks = chunkMarkdown('# Help\n## Orders\nPlace an order online.\n## Empty\n\n   \n## Account ##\nSign in.');
    expect(chunks.map((c) => [c.heading, c.text])).toEqual([
      ['Help > Orders', 'Place an order online.'],
      ['Help > Account', 'Sign in.'],
    ]);
  });

  it('when markdown holds HTML comments, then their hidden text is in no chunk', () => {
    const chunks = chunkMarkdown(
      [
        '# Refunds',
        'Refunds take 5 days.<!-- internal: over 500 EUR ask Sam -->',
        '<!--',
        'escalation phone 0800 123',
        '-->',
        'Keep the receipt.',
        '<!-- unclosed note',
      ].join('\n'),
    );
    expect(chunks).toEqual([{ position: 0, heading: 'Refunds', text: 'Refunds take 5 days.\n\nKeep the receipt.' }]);
    expect(JSON.stringify(chunks)).not.toMatch(/Sam|0800|unclosed/);
  });

  it('when a code block contains # lines, then they are not headings', () => {
    const chunks = chunkMarkdown('# Setup\n\n```sh\n# not a heading\n\nnpm start\n```\n\nDone.');
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ heading: 'Setup' });
    expect(chunks[0]!.text).toContain('# not a heading\n\nnpm start');
  });

  it('when a section is long, then it is packed into chunks of about 800 characters along paragraphs', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => paragraph(i * 3, 3)); // ~230 characters each
    const chunks = chunkMarkdown(`# Policy\n\n${paragraphs.join('\n\n')}`);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const chunk of chunks) {
      expect(chunk.heading).toBe('Policy');
      expect(chunk.text.length).toBeLessThanOrEqual(900);
      expect(chunk.text.length).toBeGreaterThan(300);
    }
    // Every paragraph is in some chunk, whole.
    for (const p of paragraphs) expect(chunks.some((c) => c.text.includes(p))).toBe(true);
  });

  it('when consecutive chunks are in one section, then the next starts with about 100 characters of the previous', () => {
    const chunks = chunkMarkdown(`# Policy\n\n${Array.from({ length: 10 }, (_, i) => paragraph(i * 3, 3)).join('\n\n')}`);
    for (let i = 1; i < chunks.length; i += 1) {
      const previous = chunks[i - 1]!.text;
      const overlap = chunks[i]!.text.split('\n\n')[0]!;
      expect(previous.endsWith(overlap)).toBe(true);
      expect(overlap.length).toBeGreaterThan(60);
      expect(overlap.length).toBeLessThanOrEqual(100);
      expect(overlap).toMatch(/^\S/); // starts at a word
    }
  });

  it('when chunks belong to different sections, then nothing overlaps across the heading', () => {
    const chunks = chunkMarkdown(`# A\n\n${paragraph(0, 12)}\n\n# B\n\n${paragraph(100, 2)}`);
    const b = chunks.filter((c) => c.heading === 'B');
    expect(b).toEqual([{ position: chunks.length - 1, heading: 'B', text: paragraph(100, 2) }]);
  });

  it('when one paragraph is longer than a chunk, then it is cut at sentence ends', () => {
    const chunks = chunkMarkdown(`# Long\n\n${paragraph(0, 30)}`);
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(820);
      expect(chunk.text.trimEnd()).toMatch(/\.$/);
    }
  });

  it('when a word is longer than a chunk, then it is cut anyway and nothing is lost', () => {
    const word = 'x'.repeat(2000);
    const chunks = chunkMarkdown(word, { targetSize: 800, overlap: 0 });
    expect(chunks.map((c) => c.text).join('')).toBe(word);
    expect(Math.max(...chunks.map((c) => c.text.length))).toBeLessThanOrEqual(800);
  });

  it('when the same text is chunked twice, then the chunks are identical', () => {
    const text = `# T\n\n${paragraph(0, 40)}\n\n## U\n\n${paragraph(50, 20)}`;
    expect(chunkMarkdown(text)).toEqual(chunkMarkdown(text));
  });

  it('when the text has Windows line endings or is empty, then it is handled', () => {
    expect(chunkMarkdown('# A\r\n\r\nOne.\r\n\r\nTwo.')).toEqual([{ position: 0, heading: 'A', text: 'One.\n\nTwo.' }]);
    expect(chunkMarkdown('')).toEqual([]);
    expect(chunkMarkdown('   \n\n  ')).toEqual([]);
  });

  it('when sizes are configured, then they are honoured', () => {
    const chunks = chunkMarkdown(paragraph(0, 20), { targetSize: 300, overlap: 50 });
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(302);
  });
});

describe('chunkPlainText', () => {
  it('when text is plain, then it is cut by paragraphs and # lines are just text', () => {
    const chunks = chunkPlainText('# not a heading\n\nSecond paragraph.');
    expect(chunks).toEqual([{ position: 0, heading: null, text: '# not a heading\n\nSecond paragraph.' }]);
    expect(chunkDocument('# x\n\ny', 'text/plain')).toEqual([{ position: 0, heading: null, text: '# x\n\ny' }]);
    expect(chunkDocument('# x\n\ny', 'text/markdown')).toEqual([{ position: 0, heading: 'x', text: 'y' }]);
  });
});

describe('firstHeading', () => {
  it('when markdown has headings, then the first one outside code is the title', () => {
    expect(firstHeading('Intro\n\n```\n# code\n```\n\n## Returns policy ##\n\n# Later')).toBe('Returns policy');
    expect(firstHeading('no heading here')).toBeUndefined();
  });
});
