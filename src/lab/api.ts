/**
 * What the lab's serving layers (in-process executor, ssh2 server, standalone `ldoms-lab-ldm`)
 * need from the emulator core: run one `ldm` invocation on one lab machine.
 */
export interface LdmInvocationResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface LdmRunner {
  /** Runs `ldm <argv...>` on the named lab machine (argv without the leading `ldm`). */
  runLdm(machine: string, argv: readonly string[]): Promise<LdmInvocationResult>;
}
