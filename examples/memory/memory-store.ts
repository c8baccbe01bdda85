/**
 * Long-term memory per user, in an SQLite file (better-sqlite3; the app's own database file works, in its
 * own tables): facts with full-text search (FTS5, ranked by BM25). Every read and write is scoped by
 * user id; a fact is stored once per user.
 *
 * @module
 */
import Database from "better-sqlite3";

/** One remembered fact. */
export interface Memory {
  fact: string;
  /** When it was stored, ms since the epoch. */
  createdAt: number;
}

export class MemoryStore {
  readonly #db: Database.Database;

  /** Opens (and creates) the memory tables in the SQLite file at `path` (`":memory:"` for tests). */
  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma("journal_mode = WAL");
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS memories (
        id INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL,
        fact TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (user_id, fact)
      );
      CREATE VIRTUAL TABLE IF NOT EXISTS memories_fts USING fts5(fact, content='memories', content_rowid='id');
      CREATE TRIGGER IF NOT EXISTS memories_ai AFTER INSERT ON memories BEGIN
        INSERT INTO memories_fts(rowid, fact) VALUES (new.id, new.fact);
      END;
    `);
  }

  /** Stores `facts` for `userId` (facts already known are skipped); returns how many were new. */
  add(userId: string, facts: string[], now = Date.now()): number {
    const insert = this.#db.prepare(
      "INSERT OR IGNORE INTO memories (user_id, fact, created_at) VALUES (?, ?, ?)",
    );
    const addAll = this.#db.transaction(() =>
      facts.reduce((added, fact) => added + insert.run(userId, fact.trim(), now).changes, 0),
    );
    return addAll();
  }

  /**
   * The user's facts that best match `query` (any of its words, BM25 order), at most `limit` (default 5);
   * with no searchable word, the user's latest facts.
   */
  recall(userId: string, query: string, limit = 5): Memory[] {
    const words = query.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [];
    if (words.length === 0) {
      return this.#db
        .prepare(
          "SELECT fact, created_at AS createdAt FROM memories WHERE user_id = ? ORDER BY id DESC LIMIT ?",
        )
        .all(userId, limit) as Memory[];
    }
    const match = words.map((word) => `"${word}"*`).join(" OR ");
    return this.#db
      .prepare(
        `SELECT m.fact, m.created_at AS createdAt FROM memories_fts f JOIN memories m ON m.id = f.rowid
         WHERE memories_fts MATCH ? AND m.user_id = ? ORDER BY bm25(memories_fts) LIMIT ?`,
      )
      .all(match, userId, limit) as Memory[];
  }

  close(): void {
    this.#db.close();
  }
}
