/**
 * The checked-in question list (`questions.json`): real questions about the corpus, each with the file
 * (relative to `node_modules/`) that answers it.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ValidationError } from "../../src/index.js";

/** One question and the file that answers it. */
export interface Question {
  id: string;
  question: string;
  file: string;
}

const QuestionList = z.object({
  about: z.string(),
  questions: z
    .array(z.strictObject({ id: z.string().min(1), question: z.string().min(10), file: z.string().min(1) }))
    .min(50),
});

/**
 * Reads and validates the question list.
 *
 * @param knownPaths when given, every question's `file` must be one of them.
 * @throws ValidationError naming the question (`questions[3].file`) when the list is malformed, has
 *   duplicate ids or names a file outside the corpus.
 */
export function loadQuestions(
  knownPaths?: ReadonlySet<string>,
  url: URL = new URL("./questions.json", import.meta.url),
): Question[] {
  const parsed = QuestionList.safeParse(JSON.parse(readFileSync(url, "utf8")));
  if (!parsed.success) {
    throw new ValidationError(
      "questions.json",
      parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    );
  }
  const issues: Array<{ path: string; message: string }> = [];
  const seen = new Set<string>();
  parsed.data.questions.forEach((question, i) => {
    if (seen.has(question.id))
      issues.push({ path: `questions[${i}].id`, message: `duplicate id "${question.id}"` });
    seen.add(question.id);
    if (knownPaths && !knownPaths.has(question.file)) {
      issues.push({ path: `questions[${i}].file`, message: `"${question.file}" is not a corpus file` });
    }
  });
  if (issues.length > 0) throw new ValidationError("questions.json", issues);
  return parsed.data.questions;
}
