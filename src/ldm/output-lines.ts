/**
 * Sets `record[key] = value` as plain data, also for the key `__proto__` (which an assignment
 * would turn into a prototype change). The common path stays a fast assignment.
 */
export function setField(record: Record<string, string>, key: string, value: string): void {
  if (key === "__proto__") Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/** Lines of a command's output: CRLF tolerated, trailing blanks removed, numbering kept 1-based. */
export function outputLines(text: string): { readonly number: number; readonly text: string }[] {
  return text.split(/\r?\n|\r/).map((line, index) => ({ number: index + 1, text: line.trimEnd() }));
}
