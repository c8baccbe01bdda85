/**
 * Markdown → passages: the units the research desk scores and quotes. A passage is a run of blocks
 * (paragraphs, lists, fenced code) under one heading, at most `maxChars` long, with its character offset in
 * the file so a reader can fetch the text around it.
 *
 * @module
 */

/** One passage of a file. `offset` is the index of its first character in the file's text. */
export interface Passage {
  /** The nearest heading above the passage ("" before the first heading). */
  heading: string;
  /** Offset of the heading line the passage sits under (0 before the first heading). */
  sectionOffset: number;
  offset: number;
  text: string;
}

/** Options of {@link splitPassages}. */
export interface SplitOptions {
  /** Soft upper bound on a passage's length in characters; a single longer block stays whole. Default 900. */
  maxChars?: number;
}

interface Block {
  offset: number;
  text: string;
  heading?: string;
}

/** Splits `text` into blocks separated by blank lines, keeping fenced code blocks whole. */
function splitBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split("\n");
  let offset = 0;
  let start = -1;
  let buffer: string[] = [];
  let inFence = false;
  const flush = () => {
    if (buffer.length > 0) blocks.push({ offset: start, text: buffer.join("\n") });
    buffer = [];
    start = -1;
  };
  for (const line of lines) {
    const fence = /^\s*(```|~~~)/.test(line);
    const heading = !inFence && /^#{1,6}\s/.test(line);
    if (heading) {
      flush();
      blocks.push({ offset, text: line, heading: line.replace(/^#+\s*/, "").trim() });
    } else if (!inFence && line.trim() === "") {
      flush();
    } else {
      if (start < 0) start = offset;
      buffer.push(line);
    }
    if (fence) inFence = !inFence;
    offset += line.length + 1;
  }
  flush();
  return blocks;
}

/**
 * Splits a markdown document into passages: a heading starts a new passage; blocks under it are packed
 * into passages of up to `maxChars`. Empty input gives no passages.
 */
export function splitPassages(text: string, options: SplitOptions = {}): Passage[] {
  const maxChars = options.maxChars ?? 900;
  const passages: Passage[] = [];
  let heading = "";
  let sectionOffset = 0;
  let current: Passage | undefined;
  for (const block of splitBlocks(text)) {
    if (block.heading !== undefined) {
      heading = block.heading;
      sectionOffset = block.offset;
      current = { heading, sectionOffset, offset: block.offset, text: block.text };
      passages.push(current);
      continue;
    }
    if (current && current.heading === heading && current.text.length + block.text.length + 2 <= maxChars) {
      current.text = text.slice(current.offset, block.offset + block.text.length);
    } else {
      current = { heading, sectionOffset, offset: block.offset, text: block.text };
      passages.push(current);
    }
  }
  return passages;
}
