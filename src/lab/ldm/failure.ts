/** A refused `ldm` (or guest command) invocation: stderr lines and a non-zero exit status. */
export class LdmFailure extends Error {
  constructor(
    readonly lines: readonly string[],
    readonly exitCode: number = 1,
  ) {
    super(lines.join("\n"));
    this.name = "LdmFailure";
  }
}

export function fail(...lines: string[]): never {
  throw new LdmFailure(lines);
}
