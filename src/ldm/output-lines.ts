/** Lines of a command's output: CRLF tolerated, trailing blanks removed, numbering kept 1-based. */
export function outputLines(text: string): { readonly number: number; readonly text: string }[] {
  return text.split(/\r?\n|\r/).map((line, index) => ({ number: index + 1, text: line.trimEnd() }));
}
