/**
 * Okapi BM25 ranking over a fixed set of documents (here: passages).
 *
 * Scoring follows Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond" (2009),
 * with the non-negative IDF used by Lucene: `idf(t) = ln(1 + (N − n_t + 0.5) / (n_t + 0.5))` and
 * `score(d, q) = Σ_t idf(t) · tf·(k1 + 1) / (tf + k1·(1 − b + b·|d|/avgdl))`.
 *
 * @module
 */

/** BM25 parameters. Defaults k1 = 1.2, b = 0.75 (the usual choices from the paper). */
export interface Bm25Options {
  k1?: number;
  b?: number;
}

/** A scored document: its index in the array given to the constructor. */
export interface Bm25Hit {
  doc: number;
  score: number;
}

/** An inverted index over tokenized documents. Build once, query many times; documents are immutable. */
export class Bm25Index {
  readonly #postings = new Map<string, Array<{ doc: number; tf: number }>>();
  readonly #lengths: number[];
  readonly #averageLength: number;
  readonly #k1: number;
  readonly #b: number;

  /** @param documents each document's terms (with repeats), e.g. from `tokenize`. */
  constructor(documents: readonly (readonly string[])[], options: Bm25Options = {}) {
    this.#k1 = options.k1 ?? 1.2;
    this.#b = options.b ?? 0.75;
    this.#lengths = documents.map((terms) => terms.length);
    const total = this.#lengths.reduce((sum, length) => sum + length, 0);
    this.#averageLength = documents.length === 0 ? 0 : total / documents.length;
    documents.forEach((terms, doc) => {
      const counts = new Map<string, number>();
      for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const [term, tf] of counts) {
        let list = this.#postings.get(term);
        if (!list) {
          list = [];
          this.#postings.set(term, list);
        }
        list.push({ doc, tf });
      }
    });
  }

  /** Number of documents indexed. */
  get size(): number {
    return this.#lengths.length;
  }

  /** Inverse document frequency of `term` (0 for a term in no document). */
  idf(term: string): number {
    const n = this.#postings.get(term)?.length ?? 0;
    if (n === 0) return 0;
    return Math.log(1 + (this.size - n + 0.5) / (n + 0.5));
  }

  /** Scores every document containing at least one query term; best first, at most `limit` (default all). */
  search(queryTerms: readonly string[], limit = Number.POSITIVE_INFINITY): Bm25Hit[] {
    const scores = new Map<number, number>();
    for (const term of new Set(queryTerms)) {
      const list = this.#postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (const { doc, tf } of list) {
        const length = this.#lengths[doc] ?? 0;
        const norm = tf + this.#k1 * (1 - this.#b + (this.#b * length) / (this.#averageLength || 1));
        scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (this.#k1 + 1)) / norm);
      }
    }
    return [...scores]
      .map(([doc, score]) => ({ doc, score }))
      .sort((x, y) => y.score - x.score || x.doc - y.doc)
      .slice(0, limit);
  }
}
