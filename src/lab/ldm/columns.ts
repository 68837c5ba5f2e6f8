/** Fixed-width column helpers for the human listings. */
export function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}

/** Joins cells at fixed widths; the last cell is not padded. */
export function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i < widths.length ? pad(c, widths[i]!) : c)).join("");
}
