import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LabExecutor } from "../../src/lab-serving/executor";
import { commandLine } from "../../src/ldm/quote";
import { OutputLimitError } from "../../src/transport/output-limit";
import { SshExecutor } from "../../src/transport/ssh-executor";
import { startSshLab, type SshLab } from "../engine/support/ssh-lab";

const LIST_IO = commandLine(["ldm", "list-io", "-l", "-p"]);

describe("output cap through the lab's SSH server and the ssh executor", () => {
  let env: SshLab;
  const executors: SshExecutor[] = [];
  beforeAll(async () => {
    env = await startSshLab();
  });
  afterAll(async () => {
    await Promise.all(executors.map((e) => e.close()));
    await env?.close();
  });

  function ssh(maxOutputBytes?: number): SshExecutor {
    const entry = env.inventory.hosts["t7-a"]!;
    const executor = new SshExecutor({
      host: entry.address,
      port: entry.port,
      user: entry.user,
      label: "t7-a",
      agent: false,
      identityFile: entry.identityFile!,
      hostKey: { fingerprints: [entry.hostKey!] },
      ...(maxOutputBytes ? { maxOutputBytes } : {}),
    });
    executors.push(executor);
    return executor;
  }

  it("a listing over the limit is refused with the host, the command and the limit; the connection stays usable", async () => {
    const executor = ssh(200);
    const error = (await executor.exec(LIST_IO).then(() => undefined, (e: unknown) => e)) as OutputLimitError;
    expect(error).toBeInstanceOf(OutputLimitError);
    expect(error.message).toBe(`t7-a: the command printed more than 200 bytes on stdout (the output limit per stream) and was stopped; it may or may not have completed. Command: ${LIST_IO}`);
    expect(await executor.exec("echo small")).toEqual({ exitStatus: 0, stdout: "small\n", stderr: "" });
    expect((await executor.exec(LIST_IO, { maxOutputBytes: 1_000_000 })).stdout).toMatch(/^VERSION /);
    expect(executor.stats.connections).toBe(1);
  });

  it("the default limit leaves real listings alone", async () => {
    const result = await ssh().exec(LIST_IO);
    expect(result.exitStatus).toBe(0);
    expect(result.stdout).toContain("type=PF");
  });

  it("the in-process lab executor applies the same limit", async () => {
    const lab = new LabExecutor(env.lab, "t7-a", { maxOutputBytes: 200 });
    const error = (await lab.exec(LIST_IO).then(() => undefined, (e: unknown) => e)) as OutputLimitError;
    expect([error.name, error.stream, error.limitBytes, error.reason]).toEqual(["OutputLimitError", "stdout", 200, "output-limit"]);
    expect((await lab.exec(LIST_IO, { maxOutputBytes: 1_000_000 })).exitStatus).toBe(0);
  });
});
