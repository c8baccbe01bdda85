/**
 * Text → search terms for the research desk's keyword index: lower-cased alphanumeric words, English stop
 * words and markdown noise removed, and a light suffix-stripping stemmer so "parsing", "parses" and "parse"
 * meet. Used for both documents and queries, so the two always agree.
 *
 * @module
 */

/** Words too common in questions and READMEs to carry meaning for retrieval. */
const STOP_WORDS = new Set(
  (
    "a about above after again all also am an and any are as at be been before being below between both but by " +
    "can could did do does doing done down during each either else etc every few for from further get gets got " +
    "had has have having he her here hers him his how i if in into is it its itself just let lets like may me " +
    "might more most much must my no nor not now of off on once one only or other our ours out over own per " +
    "please same she should so some such than that the their them then there these they this those through " +
    "to too under until up upon us use used uses using very via want was way we were what when where which " +
    "while who whom why will with within without would yes yet you your yours " +
    "possible able need needs tell say says package library readme kind"
  ).split(" "),
);

/** Strips inline markdown/HTML noise that carries no content: image tags, link targets, badge URLs. */
export function stripMarkup(text: string): string {
  return text
    .replace(/<[^>]+>/g, " ")
    .replace(/!\[[^\]]*\]\([^)]*\)/g, " ")
    .replace(/\]\([^)]*\)/g, "] ")
    .replace(/https?:\/\/\S+/g, " ");
}

/**
 * A light English stemmer (suffix stripping in the spirit of Harman's S-stemmer, 1991, extended with
 * `-ing`/`-ed` and a final `-e`): enough to join inflections of the same word without Porter's full rule set.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  return dropFinalE(stripSuffix(word));
}

function stripSuffix(word: string): string {
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith("ing") && word.length > 5) return undouble(word.slice(0, -3));
  if (word.endsWith("ed") && word.length > 4) return undouble(word.slice(0, -2));
  if (word.endsWith("es") && /(ss|x|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) {
    return word.slice(0, -1);
  }
  return word;
}

/** "parse", "parses", "parsed" and "parsing" all end as "pars". */
function dropFinalE(word: string): string {
  return word.length > 4 && word.endsWith("e") ? word.slice(0, -1) : word;
}

function undouble(word: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(word) ? word.slice(0, -1) : word;
}

/** The content words of `text` (lower-cased, stop words removed, not stemmed), in order. */
function words(text: string): string[] {
  const all =
    stripMarkup(text)
      .toLowerCase()
      .match(/[a-z0-9]+/g) ?? [];
  return all.filter((word) => word.length >= 2 && !STOP_WORDS.has(word));
}

/** The search terms of `text`, in order, with repeats (term frequency matters to BM25). */
export function tokenize(text: string): string[] {
  return words(text).map(stem);
}

/**
 * The keywords of a question: its content words, unstemmed, one per stem, in first-seen order. This is
 * what the offline model puts in its `search` call, so the call reads naturally ("cron timezone").
 */
export function keywords(question: string): string[] {
  const seen = new Set<string>();
  return words(question).filter((word) => {
    const term = stem(word);
    if (seen.has(term)) return false;
    seen.add(term);
    return true;
  });
}
