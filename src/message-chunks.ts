/**
 * Long text (an agent's answer, ad copy) split into messages every platform takes whole: Discord
 * refuses content over 2,000 characters and Slack a section over 3,000. Cuts fall at a paragraph,
 * then a line, then a space; a word longer than a message is cut where it must be.
 */
export const MESSAGE_CHUNK_CHARS = 1900;

export function splitMessage(text: string, max = MESSAGE_CHUNK_CHARS): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const cut = [window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' ')].find((i) => i > max / 2) ?? max;
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) chunks.push(rest);
  return chunks;
}
