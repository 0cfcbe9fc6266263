import { describe, expect, it } from 'vitest';
import { MESSAGE_CHUNK_CHARS, splitMessage } from '../../src/message-chunks.js';

describe('long text split into messages', () => {
  it('keeps a short text whole', () => {
    expect(splitMessage('  one line  ')).toEqual(['one line']);
    expect(splitMessage('')).toEqual([]);
  });

  it('cuts at paragraphs, within the limit, losing no word', () => {
    const paragraphs = Array.from({ length: 9 }, (_, i) => `Paragraph ${i}: ${'word '.repeat(80).trim()}`);
    const chunks = splitMessage(paragraphs.join('\n\n'), 1000);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(1000);
    // Every paragraph arrives whole, in order.
    expect(chunks.join('\n\n')).toBe(paragraphs.join('\n\n'));
  });

  it('cuts a text without breaks at spaces, and a word longer than a message where it must', () => {
    const words = 'lorem ipsum dolor '.repeat(300).trim();
    const chunks = splitMessage(words);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(MESSAGE_CHUNK_CHARS);
    expect(chunks.join(' ')).toBe(words);
    const long = 'x'.repeat(MESSAGE_CHUNK_CHARS * 2 + 5);
    expect(splitMessage(long).map((c) => c.length)).toEqual([MESSAGE_CHUNK_CHARS, MESSAGE_CHUNK_CHARS, 5]);
  });
});
