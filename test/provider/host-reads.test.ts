/**
 * The provider's shared reads: the first read of a process starts every host's read at once
 * (Terraform visits ten resources at a time, so later hosts would wait for earlier ones), each
 * host is still read once, and a host that cannot be read then is reported only by the read that
 * needs it, which tries again.
 */
import { describe, expect, it } from "vitest";
import type { ConnectHost } from "../../src/engine";
import { HostReads } from "../../src/provider/host-reads";
import type { ProviderConfiguration } from "../../src/provider/configuration";
import { examplePlan } from "../../test-kit/example-plan";
import { inProcessLab } from "../engine/support/engine-lab";

const configuration: ProviderConfiguration = { document: examplePlan(), source: "ldoms.plan.json", allowDisruptive: false };

describe("HostReads", () => {
  it("the first read starts the other hosts' reads; every host is read once however often it is asked", async () => {
    const lab = inProcessLab();
    const connects: string[] = [];
    const connect: ConnectHost = (target) => (connects.push(target.id), lab.connect()(target));
    const reads = new HostReads(connect);
    await reads.read(configuration, "t7-a");
    expect(connects.sort()).toEqual(["t7-a", "t7-b"]);
    await Promise.all([reads.read(configuration, "t7-b"), reads.read(configuration, "t7-a"), reads.read(configuration, "t7-b")]);
    expect(connects).toHaveLength(2);
    expect(lab.counters.execs).toBe(2);
  });

  it("a host that fails while read ahead is not reported then; the read that needs it connects again", async () => {
    const lab = inProcessLab();
    let t7bDown = true;
    const connect: ConnectHost = (target) => {
      if (target.id === "t7-b" && t7bDown) throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:22"), { code: "ECONNREFUSED" });
      return lab.connect()(target);
    };
    const reads = new HostReads(connect);
    const a = await reads.read(configuration, "t7-a");
    expect(a.domains.map((d) => d.name)).toContain("ldg1");
    await new Promise((resolve) => setTimeout(resolve, 50));
    t7bDown = false;
    const b = await reads.read(configuration, "t7-b");
    expect(b.domains.map((d) => d.name)).toContain("primary");
  });
});
