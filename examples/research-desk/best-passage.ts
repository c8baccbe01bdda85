/**
 * Picks the passage of a text that best answers a question: BM25 over the text's own passages (so term
 * weights reflect what is rare within that text), ties going to the earlier passage.
 *
 * @module
 */
import { Bm25Index } from "./bm25.js";
import { type Passage, splitPassages } from "./passages.js";
import { tokenize } from "./tokenize.js";

/** Longest passage quoted in an answer, in characters; longer ones are cut at a line break. */
export const QUOTE_MAX_CHARS = 900;

/**
 * The passage of `text` scoring highest for `question`, or `undefined` when no passage shares a term with
 * it. Heading words count twice, as in the corpus index.
 */
export function bestPassage(text: string, question: string): Passage | undefined {
  const passages = splitPassages(text);
  const index = new Bm25Index(
    passages.map((p) => {
      const heading = tokenize(p.heading);
      return [...heading, ...heading, ...tokenize(p.text)];
    }),
  );
  const top = index.search(tokenize(question), 1)[0];
  return top === undefined ? undefined : passages[top.doc];
}

/** Trims a passage for quoting: at most {@link QUOTE_MAX_CHARS}, cut at the last line break before it. */
export function quote(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length <= QUOTE_MAX_CHARS) return trimmed;
  const cut = trimmed.lastIndexOf("\n", QUOTE_MAX_CHARS);
  return `${trimmed.slice(0, cut > QUOTE_MAX_CHARS / 2 ? cut : QUOTE_MAX_CHARS)}\n…`;
}
