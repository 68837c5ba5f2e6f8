import type { LdmInvocationResult } from "../../src/lab/api";
import { MemoryShellFiles, type LabTool, type ShellEndpoint } from "../../src/lab-serving/shell";

/** A machine endpoint whose tools echo what they received, recording every call. */
export function recordingEndpoint(kind: ShellEndpoint["kind"] = "machine") {
  const calls: { tool: LabTool; argv: string[] }[] = [];
  const endpoint: ShellEndpoint = {
    kind,
    hostname: "t7-a",
    user: "ldmops",
    files: new MemoryShellFiles(),
    async runTool(tool: LabTool, argv: readonly string[]): Promise<LdmInvocationResult> {
      calls.push({ tool, argv: [...argv] });
      if (argv[0] === "fail") return { exitCode: 3, stdout: "", stderr: `${tool}: failed\n` };
      return { exitCode: 0, stdout: `${tool} ${argv.join(",")}\n`, stderr: argv[0] === "warn" ? "warning\n" : "" };
    },
  };
  return { endpoint, calls };
}
