import { describe, expect, it } from "vitest";
import { fits, memorySize, readCapacity } from "../../src/engine/capacity";
import { HostSession, type HostTarget } from "../../src/engine/host-session";
import { readHost } from "../../src/engine/observe";
import { ConnectionError, PlanError } from "../../src/model/errors";
import { exampleLabJson, inProcessLab, type InProcessLab } from "./support/engine-lab";

const G = 1024 ** 3;

/** A host as the inventory gives it: ldm through pfexec at its full path, as in production. */
function target(id: string): HostTarget {
  return { id, connection: { host: `${id}.lab`, user: "ldmops", port: 22, pfexec: true, ldmPath: "/usr/sbin/ldm" } } as unknown as HostTarget;
}

function session(env: InProcessLab, id: string, seen: string[] = []): HostSession {
  return new HostSession(target(id), env.connect({ cut: (info) => void seen.push(info.commandLine) }));
}

/** The example lab (primary and ldg1 at the defaults, 8 vCPUs and 8G each) with t7-b's capacity set. */
function labWithTargetCapacity(capacity: object): InProcessLab {
  const json = exampleLabJson() as { machines: { capacity?: object }[] };
  json.machines[1]!.capacity = capacity;
  return inProcessLab(json);
}

describe("readCapacity against the in-process lab", () => {
  it("reads free vCPUs and memory in one read exec, through pfexec and ldmPath, changing nothing", async () => {
    const env = inProcessLab();
    const seen: string[] = [];
    const a = session(env, "t7-a", seen);
    // t7-a: primary and ldg1 hold 16 vCPUs and 16G of the default 128 and 256G.
    expect(await readCapacity(a)).toEqual({ host: "t7-a", freeVcpus: 112, freeMemoryBytes: 240 * G });
    expect(a.counters).toEqual({ connections: 1, execs: 1, readExecs: 1, mutatingExecs: 0, settleReads: 0 });
    expect(seen).toEqual([`echo '@@ldoms:begin list-devices'; 'pfexec' '/usr/sbin/ldm' 'list-devices' '-p' 'cpu' 'memory'; echo "@@ldoms:rc=$?"`]);
    expect(await readCapacity(session(env, "t7-b"))).toEqual({ host: "t7-b", freeVcpus: 120, freeMemoryBytes: 248 * G });
    expect(env.lab.journal()).toEqual([]);
  });

  it("follows the host: a domain unbound by hand frees its vCPUs and memory", async () => {
    const env = inProcessLab();
    const s = session(env, "t7-a");
    await env.ldm("t7-a", "stop", "ldg1");
    expect(await readCapacity(s)).toMatchObject({ freeVcpus: 112, freeMemoryBytes: 240 * G });
    await env.ldm("t7-a", "unbind", "ldg1");
    expect(await readCapacity(s)).toMatchObject({ freeVcpus: 120, freeMemoryBytes: 248 * G });
    expect(s.counters).toMatchObject({ connections: 1, execs: 2, readExecs: 2 });
  });

  it("a failing, silent or unreadable list-devices is an error naming the host and the listing", async () => {
    const env = inProcessLab();
    env.lab.faults.answer("list-devices", { exitCode: 1, stderr: "Unknown command list-devices\n" });
    await expect(readCapacity(session(env, "t7-a"))).rejects.toThrow(ConnectionError);
    await expect(readCapacity(session(env, "t7-a"))).rejects.toThrow("`pfexec /usr/sbin/ldm list-devices -p cpu memory` failed on t7-a");
    env.lab.faults.clear();
    env.lab.faults.answer("list-devices", { stderr: "Authorization failed\n" });
    await expect(readCapacity(session(env, "t7-a"))).rejects.toThrow(/exited 0 but printed nothing; stderr: "Authorization failed".*"LDoms Review" rights profile/);
    env.lab.faults.clear();
    env.lab.faults.answer("list-devices", { stdout: "VERSION 1.6\nVCPU\n|pid=0|free=most|pm=no\n" });
    const unreadable = readCapacity(session(env, "t7-a"));
    await expect(unreadable).rejects.toThrow(PlanError);
    await expect(readCapacity(session(env, "t7-a"))).rejects.toThrow('t7-a: could not read the output of `ldm list-devices -p cpu memory`: Cannot parse ldm list-devices -p cpu memory output at line 3: a VCPU row has free="most"');
  });
});

describe("fits", () => {
  it("an observed domain (ncpu and memoryBytes from list -l -p) fits where there is room", async () => {
    const env = labWithTargetCapacity({ vcpus: 20, memory: "64G" });
    const observed = await readHost(session(env, "t7-a"));
    const ldg1 = observed.observed.domains.find((d) => d.name === "ldg1")!;
    expect([ldg1.ncpu, ldg1.memoryBytes]).toEqual([8, 8 * G]);
    expect(fits(ldg1, await readCapacity(session(env, "t7-b")))).toEqual({ ok: true });
  });

  it("names what lacks, what the domain needs and what the host has free", async () => {
    const env = labWithTargetCapacity({ vcpus: 12, memory: "64G" });
    const ldg1 = (await readHost(session(env, "t7-a"))).observed.domains.find((d) => d.name === "ldg1")!;
    const free = await readCapacity(session(env, "t7-b"));
    expect(free).toEqual({ host: "t7-b", freeVcpus: 4, freeMemoryBytes: 56 * G });
    expect(fits(ldg1, free)).toEqual({ ok: false, lacks: ["vcpus"], reason: "ldg1 needs 8 vCPUs and 8G, t7-b has 4 vCPUs and 56G free (not enough vCPUs)" });
  });

  it("pure: exact fits, memory or both short, and a domain of unknown size", () => {
    const free = { host: "t7-b", freeVcpus: 8, freeMemoryBytes: 16 * G };
    expect(fits({ name: "ldg1", ncpu: 8, memoryBytes: 16 * G }, free)).toEqual({ ok: true });
    expect(fits({ name: "ldg1", ncpu: 8, memoryBytes: 16 * G + 1 }, free)).toMatchObject({ ok: false, lacks: ["memory"] });
    expect(fits({ ncpu: 9, memoryBytes: 24 * G }, { freeVcpus: 4, freeMemoryBytes: 1.5 * G })).toEqual({
      ok: false,
      lacks: ["vcpus", "memory"],
      reason: "the domain needs 9 vCPUs and 24G, the host has 4 vCPUs and 1.5G free (not enough vCPUs and memory)",
    });
    expect(fits({ name: "ldg1", ncpu: 1, memoryBytes: 512 * 1024 ** 2 }, { host: "t7-b", freeVcpus: 0, freeMemoryBytes: 0 })).toMatchObject({
      reason: "ldg1 needs 1 vCPU and 512M, t7-b has 0 vCPUs and 0 free (not enough vCPUs and memory)",
    });
    expect(fits({ name: "ldg1", ncpu: 8 }, free)).toEqual({
      ok: false,
      lacks: [],
      reason: "the memory size (mem=) of ldg1 is not known (ldm list -l -p did not show it), so it cannot be placed on t7-b",
    });
  });

  it("memorySize prints sizes as ldm does", () => {
    expect([memorySize(16 * G), memorySize(1.5 * G), memorySize(512 * 1024 ** 2), memorySize(2 * 1024 ** 4), memorySize(100)]).toEqual(["16G", "1.5G", "512M", "2T", "100"]);
  });
});
