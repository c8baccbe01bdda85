/**
 * The research agent's three tools over the corpus — `list_files`, `search`, `read_file` — as plain
 * definitions (name, description, zod parameters, handler). `network.ts` wraps them with `createTool`.
 *
 * @module
 */
import { z } from "zod";
import { type CorpusIndex, READ_DEFAULT_CHARS, READ_MAX_CHARS } from "./corpus-index.js";

/** A tool definition before it is handed to `createTool`. */
export interface ResearchToolSpec<P extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  parameters: P;
  handler: (input: z.output<P>) => unknown;
}

/** Builds the three tools over `index`. Handlers throw typed errors on bad paths or ranges. */
export function researchToolSpecs(index: CorpusIndex) {
  const listFiles: ResearchToolSpec<z.ZodObject<{ packageName: z.ZodOptional<z.ZodString> }>> = {
    name: "list_files",
    description:
      "List the documentation files of the corpus (READMEs of installed npm packages), with their sizes. " +
      "Optionally only those of one package.",
    parameters: z.object({
      packageName: z.string().optional().describe("Only files of this npm package, e.g. 'croner'"),
    }),
    handler: ({ packageName }) => ({
      files: index
        .listFiles()
        .filter((file) => packageName === undefined || file.packageName === packageName),
    }),
  };
  const search: ResearchToolSpec<z.ZodObject<{ query: z.ZodString; limit: z.ZodOptional<z.ZodNumber> }>> = {
    name: "search",
    description:
      "Keyword search (BM25) over the corpus. Returns the best files, each with its best passage: " +
      "path, score, heading, offset (pass it to read_file) and a snippet.",
    parameters: z.object({
      query: z.string().min(1).describe("Keywords, e.g. 'cron timezone option'"),
      limit: z.number().int().min(1).max(20).optional().describe("Maximum hits, default 5"),
    }),
    handler: ({ query, limit }) => ({ hits: index.search(query, limit ?? 5) }),
  };
  const readFile: ResearchToolSpec<
    z.ZodObject<{ path: z.ZodString; offset: z.ZodOptional<z.ZodNumber>; length: z.ZodOptional<z.ZodNumber> }>
  > = {
    name: "read_file",
    description:
      `Read part of a corpus file: up to 'length' characters (default ${READ_DEFAULT_CHARS}, ` +
      `max ${READ_MAX_CHARS}) from 'offset'. The result says where the next part starts.`,
    parameters: z.object({
      path: z.string().min(1).describe("A path from list_files or search, e.g. 'croner/README.md'"),
      offset: z.number().int().min(0).optional().describe("Character offset to start at, default 0"),
      length: z.number().int().min(1).max(READ_MAX_CHARS).optional().describe("Characters to read"),
    }),
    handler: ({ path, offset, length }) => index.readFile(path, offset ?? 0, length ?? READ_DEFAULT_CHARS),
  };
  return [listFiles, search, readFile] as const;
}
