/**
 * Plain-text tables for the terminal: columns padded to their widest cell, numbers right-aligned.
 *
 * @module
 */

/** A column: its header and how to align it (numbers usually `"right"`). */
export interface Column {
  header: string;
  align?: "left" | "right";
}

/** Visible width of a string (code points; the tables use no wide or combining characters). */
function width(text: string): number {
  return [...text].length;
}

/**
 * Renders `rows` under `columns` with two spaces between columns and a dashed rule under the header.
 * Missing cells render empty; extra cells are ignored. Returns lines joined by `\n`, no trailing newline.
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, i) =>
    Math.max(width(column.header), ...rows.map((row) => width(row[i] ?? ""))),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? "";
        const pad = " ".repeat((widths[i] ?? 0) - width(cell));
        return column.align === "right" ? pad + cell : cell + pad;
      })
      .join("  ")
      .trimEnd();
  return [
    line(columns.map((column) => column.header)),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(line),
  ].join("\n");
}
