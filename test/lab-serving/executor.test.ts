import { describe, expect, it } from "vitest";
import { LabExecutor, newLabExecCounters } from "../../src/lab-serving/executor";
import { OutcomeUnknownError } from "../../src/transport/executor";
import { standInLab } from "./stand-in-lab";

describe("LabExecutor", () => {
  it("runs a command line on one machine and reports status and output", async () => {
    const handle = standInLab();
    const executor = new LabExecutor(handle, "t7-a");
    const result = await executor.exec("'ldm' 'list-io' '-p'; echo \"rc=$?\"; uname -n; id -un");
    expect(result).toEqual({ exitStatus: 0, stdout: "t7-a ldm list-io -p\nrc=0\nt7-a\nldmops\n", stderr: "" });
    expect(handle.calls).toEqual(["t7-a: ldm list-io -p"]);
  });

  it("serves guests by their inventory id with their own tools", async () => {
    const handle = standInLab();
    const executor = new LabExecutor(handle, "guest/ldg1", { user: "root" });
    const result = await executor.exec("ipmpstat -g; uname -n; id -un; ldm list");
    expect(result.stdout).toBe("ldg1 ipmpstat -g\nldg1\nroot\n");
    expect(result.stderr).toBe("sh: ldm: not supported by the lab\n");
    expect(result.exitStatus).toBe(127);
  });

  it("refuses an id that is not an endpoint, naming the choices", () => {
    expect(() => new LabExecutor(standInLab(), "t7-z")).toThrow(
      "t7-z is not an endpoint of this lab: use one of t7-a, t7-b, guest/ldg1",
    );
  });

  it("shares a machine's filesystem between executors: the mkdir lock excludes the second", async () => {
    const handle = standInLab();
    const first = new LabExecutor(handle, "t7-a");
    const second = new LabExecutor(handle, "t7-a");
    const other = new LabExecutor(handle, "t7-b");
    expect((await first.exec("mkdir /var/run/ldoms.lock")).exitStatus).toBe(0);
    expect(await second.exec("mkdir /var/run/ldoms.lock")).toEqual({
      exitStatus: 1,
      stdout: "",
      stderr: "mkdir: /var/run/ldoms.lock: File exists\n",
    });
    expect((await other.exec("mkdir /var/run/ldoms.lock")).exitStatus).toBe(0);
    const guestA = new LabExecutor(handle, "guest/ldg1");
    const guestB = new LabExecutor(handle, "guest/ldg1");
    await guestA.exec("echo hi > /tmp/note");
    expect((await guestB.exec("cat /tmp/note")).stdout).toBe("hi\n");
  });

  it("counts connections and execs; a cut loses the status and the next exec reconnects", async () => {
    const handle = standInLab();
    const counters = newLabExecCounters();
    const executor = new LabExecutor(handle, "t7-a", {
      counters,
      cut: (info) => (info.execIndex === 2 ? "after" : info.execIndex === 3 ? "before" : undefined),
    });
    await executor.exec("ldm one");
    const afterCut = executor.exec("ldm two");
    await expect(afterCut).rejects.toBeInstanceOf(OutcomeUnknownError);
    await expect(afterCut).rejects.toThrow("t7-a: connection lost (lab fault injection, exec 2)");
    await expect(executor.exec("ldm three")).rejects.toMatchObject({ outcomeUnknown: true, commandLine: "ldm three" });
    await executor.exec("ldm four");
    // "after" ran the command, "before" did not.
    expect(handle.calls).toEqual(["t7-a: ldm one", "t7-a: ldm two", "t7-a: ldm four"]);
    expect(counters).toEqual({ connections: 3, execs: 4, cuts: 2 });
    const second = new LabExecutor(handle, "t7-b", { counters });
    await second.exec("true");
    expect(counters).toEqual({ connections: 4, execs: 5, cuts: 2 });
    expect(executor.execs).toBe(4);
  });

  it("adds latency per exec and times out with an unknown outcome", async () => {
    const executor = new LabExecutor(standInLab(), "t7-a", { latencyMs: 60 });
    const started = Date.now();
    await executor.exec("true");
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    await expect(executor.exec("true", { timeoutMs: 10 })).rejects.toMatchObject({ reason: "timeout", message: "t7-a: no exit status after 10 ms (command timeout); the command may or may not have run. Command: true" });
    // 0 means no limit, as over SSH.
    expect((await executor.exec("echo late", { timeoutMs: 0 })).stdout).toBe("late\n");
  });
});
