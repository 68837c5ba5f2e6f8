import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_LAB_FILE, Lab, loadLabDefinition } from "../../src/lab";
import { LAB_DEFAULT_CAPACITY } from "../../src/lab/ldm/capacity";
import { parseListDevices } from "../../src/ldm/list-devices";
import { type TestLab, testLab } from "./helpers";

const G = 1024 ** 3;

/** labs/default.json with t7-b's capacity set (t7-b's primary holds 16 vCPUs and 32G). */
function labWithTargetCapacity(capacity: object): TestLab {
  const json = JSON.parse(readFileSync(DEFAULT_LAB_FILE, "utf8")) as { machines: { capacity?: object }[] };
  json.machines[1]!.capacity = capacity;
  const clock = { now: 1_700_000_000_000 };
  const lab = Lab.fromDefinition(loadLabDefinition(json, "capacity test lab"), {
    now: () => clock.now,
    sleep: async (ms) => void (clock.now += ms),
  });
  return {
    lab,
    clock,
    ldm: (m, ...a) => lab.runLdm(m, a),
    guest: (d, ...a) => lab.runGuest(d, a),
    snapshot: () => lab.store.read((s) => JSON.stringify({ ...s, journal: [] })),
    settle: () => void (clock.now += 60_000),
  };
}

async function free(t: TestLab, machine: string) {
  const r = await t.ldm(machine, "list-devices", "-p", "cpu", "memory");
  expect(r.exitCode, r.stderr).toBe(0);
  return parseListDevices(r.stdout);
}

describe("ldm list-devices", () => {
  it("the capacity defaults are the schema's (128 vCPUs, 256G)", () => {
    const schema = JSON.parse(readFileSync(join(__dirname, "../../schema/ldoms-lab.schema.json"), "utf8")) as { definitions: Record<string, { properties: Record<string, { default?: unknown }> }> };
    const props = schema.definitions.CapacityDocument!.properties;
    expect([props.vcpus!.default, props.memory!.default]).toEqual([128, "256G"]);
    expect(LAB_DEFAULT_CAPACITY).toEqual({ vcpus: 128, memoryBytes: 256 * G });
  });

  it("-p prints VERSION 1.6 and only what bound and active domains leave free, the control domain included", async () => {
    const t = testLab();
    const r = await t.ldm("t7-a", "list-devices", "-p", "cpu", "memory");
    const lines = r.stdout.split("\n");
    // t7-a: primary 16 vCPUs / 32G, ldg1 8 / 16G, both active.
    expect(lines.slice(0, 3)).toEqual(["VERSION 1.6", "VCPU", "|pid=24|free=100|pm=no"]);
    expect(lines.filter((l) => l.startsWith("|pid="))).toHaveLength(128 - 24);
    expect(lines.slice(-3)).toEqual(["MEMORY", `|pa=0xc10000000|size=${208 * G}`, ""]);
    expect(await free(t, "t7-a")).toEqual({ freeVcpus: 104, freeMemoryBytes: 208 * G });
    expect(await free(t, "t7-b")).toEqual({ freeVcpus: 112, freeMemoryBytes: 224 * G });
    expect(t.lab.mutatingCount()).toBe(0);
  });

  it("-a lists every vCPU and memory block, the bound ones at free=0 or naming their domain", async () => {
    const t = testLab();
    const r = await t.ldm("t7-a", "list-devices", "-a", "-p");
    expect(r.stdout.split("\n").filter((l) => l.startsWith("|pid="))).toHaveLength(128);
    expect(r.stdout).toContain("VCPU\n|pid=0|free=0|pm=no\n");
    expect(r.stdout).toContain(`MEMORY\n|pa=0x10000000|size=${32 * G}|bound=primary\n|pa=0x810000000|size=${16 * G}|bound=ldg1\n|pa=0xc10000000|size=${208 * G}|bound=\n`);
    expect(parseListDevices(r.stdout)).toEqual(await free(t, "t7-a"));
  });

  it("the human form has a VCPU table and a MEMORY table; one resource may be asked for", async () => {
    const t = testLab();
    const mem = await t.ldm("t7-a", "ls-devices", "memory");
    expect(mem).toEqual({ exitCode: 0, stdout: "MEMORY\n    PA                   SIZE\n    0xc10000000          208G\n", stderr: "" });
    const all = await t.ldm("t7-a", "list-devices", "-a", "memory");
    expect(all.stdout).toBe("MEMORY\n    PA                   SIZE            BOUND\n    0x10000000           32G             primary\n    0x810000000          16G             ldg1\n    0xc10000000          208G\n");
    const cpu = (await t.ldm("t7-a", "list-devices", "cpu")).stdout.split("\n");
    expect(cpu.slice(0, 3)).toEqual(["VCPU", "    PID     %FREE   PM", "    24      100     no"]);
    expect((await t.ldm("t7-a", "list-devices", "-p", "memory")).stdout).not.toContain("VCPU");
  });

  it("refuses what the lab does not list, and unknown options", async () => {
    const t = testLab();
    expect(await t.ldm("t7-a", "list-devices", "io")).toEqual({ exitCode: 1, stdout: "", stderr: "list-devices io is not supported by the lab\n" });
    expect((await t.ldm("t7-a", "list-devices", "disks")).stderr).toBe("Invalid device class disks: use core, cpu, crypto, memory or io\n");
    expect((await t.ldm("t7-a", "list-devices", "-x")).stderr).toContain("ldm list-devices [-a] [-p] [cpu] [memory]");
  });

  it("free capacity follows bind, stop, unbind and the vCPU and memory setters", async () => {
    const t = testLab();
    const base = await free(t, "t7-a");
    expect((await t.ldm("t7-a", "stop", "ldg1")).exitCode).toBe(0);
    expect(await free(t, "t7-a")).toEqual(base); // bound still holds its resources
    expect((await t.ldm("t7-a", "unbind", "ldg1")).exitCode).toBe(0);
    expect(await free(t, "t7-a")).toEqual({ freeVcpus: base.freeVcpus + 8, freeMemoryBytes: base.freeMemoryBytes + 16 * G });
    expect((await t.ldm("t7-a", "set-vcpu", "4", "ldg1")).exitCode).toBe(0);
    expect((await t.ldm("t7-a", "set-memory", "4G", "ldg1")).exitCode).toBe(0);
    expect(await free(t, "t7-a")).toEqual({ freeVcpus: base.freeVcpus + 8, freeMemoryBytes: base.freeMemoryBytes + 16 * G }); // inactive holds nothing
    expect((await t.ldm("t7-a", "bind", "ldg1")).exitCode).toBe(0);
    expect(await free(t, "t7-a")).toEqual({ freeVcpus: base.freeVcpus + 4, freeMemoryBytes: base.freeMemoryBytes + 12 * G });
    expect((await t.ldm("t7-a", "add-vcpu", "2", "ldg1")).exitCode).toBe(0);
    expect((await t.ldm("t7-a", "add-memory", "1G", "ldg1")).exitCode).toBe(0);
    expect(await free(t, "t7-a")).toEqual({ freeVcpus: base.freeVcpus + 2, freeMemoryBytes: base.freeMemoryBytes + 11 * G });
  });

  it("bind and growth that do not fit are refused and change nothing", async () => {
    const t = testLab();
    await t.ldm("t7-a", "stop", "ldg1");
    await t.ldm("t7-a", "unbind", "ldg1");
    expect((await t.ldm("t7-a", "set-vcpu", "120", "ldg1")).exitCode).toBe(0); // inactive: no check yet
    const before = t.snapshot();
    expect(await t.ldm("t7-a", "bind", "ldg1")).toEqual({
      exitCode: 1,
      stdout: "",
      stderr: "Not enough free resources for LDom ldg1: 120 VCPUs and 16G of memory needed, 112 VCPUs and 224G of memory free\n",
    });
    expect(t.snapshot()).toBe(before);
    await t.ldm("t7-a", "set-vcpu", "8", "ldg1");
    await t.ldm("t7-a", "bind", "ldg1");
    const bound = t.snapshot();
    expect((await t.ldm("t7-a", "add-memory", "300G", "ldg1")).stderr).toBe("Not enough free resources for LDom ldg1: 0 VCPUs and 300G of memory needed, 104 VCPUs and 208G of memory free\n");
    expect((await t.ldm("t7-a", "set-vcpu", "200", "ldg1")).exitCode).toBe(1);
    expect(t.snapshot()).toBe(bound);
  });

  it("a lab definition sets the capacity, and refuses domains that hold more than it", () => {
    expect(() => labWithTargetCapacity({ vcpus: 8 })).toThrow(
      "$.machines[1].capacity.vcpus: the bound and active domains hold 16 vCPUs, more than the machine's 8; raise capacity.vcpus or give the domains fewer",
    );
    expect(() => labWithTargetCapacity({ memory: "16G" })).toThrow("$.machines[1].capacity.memory: the bound and active domains hold 34359738368 bytes of memory");
    expect(() => labWithTargetCapacity({ vcpus: 0 })).toThrow("$.machines[1].capacity.vcpus");
  });
});

describe("migrate-domain and the target's free capacity", () => {
  it("is refused when the target lacks free vCPUs, with the reason and the trailer, and nothing changes", async () => {
    const t = labWithTargetCapacity({ vcpus: 20, memory: "64G" });
    expect(await free(t, "t7-b")).toEqual({ freeVcpus: 4, freeMemoryBytes: 32 * G });
    const before = t.snapshot();
    for (const dry of [true, false]) {
      expect(await t.ldm("t7-a", "migrate-domain", ...(dry ? ["-n"] : []), "-c", "ldg1", "t7-b")).toEqual({
        exitCode: 1,
        stdout: "",
        stderr: "Not enough free resources on the target machine for LDom ldg1: it needs 8 VCPUs and 16G of memory, the target has 4 VCPUs and 32G of memory free\nDomain Migration of LDom ldg1 failed\n",
      });
      expect(t.snapshot()).toBe(before);
    }
    expect(await free(t, "t7-b")).toEqual({ freeVcpus: 4, freeMemoryBytes: 32 * G });
  });

  it("is refused when the target lacks free memory", async () => {
    const t = labWithTargetCapacity({ memory: "40G" });
    const before = t.snapshot();
    const r = await t.ldm("t7-a", "migrate", "-c", "ldg1", "t7-b");
    expect(r.stderr).toBe("Not enough free resources on the target machine for LDom ldg1: it needs 8 VCPUs and 16G of memory, the target has 112 VCPUs and 8G of memory free\nDomain Migration of LDom ldg1 failed\n");
    expect(t.snapshot()).toBe(before);
  });

  it("goes ahead when the domain just fits, and moves its vCPUs and memory from source to target", async () => {
    const t = labWithTargetCapacity({ vcpus: 24, memory: "48G" });
    expect(await t.ldm("t7-a", "migrate", "-c", "ldg1", "t7-b")).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    expect(await free(t, "t7-b")).toEqual({ freeVcpus: 0, freeMemoryBytes: 0 });
    expect(await free(t, "t7-a")).toEqual({ freeVcpus: 112, freeMemoryBytes: 224 * G });
    // And back: t7-a has room for it again.
    expect((await t.ldm("t7-b", "migrate", "-c", "ldg1", "t7-a")).exitCode).toBe(0);
  });
});
