import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { ControlDomain, EthernetVf, GuestDomain, IpmpGroup, Network, SriovMigration, Vnet } from "../../src/constructs";
import { ValidationError, type Step } from "../../src/model";
import { parsePlanDocument } from "../../src/model/load-plan-document";
import { stableJson, stackArtifacts, synthesizePlan } from "../../src/synth";
import { exampleTree, newStack } from "../constructs/fixture";

const schema = JSON.parse(readFileSync(join(__dirname, "../../schema/ldoms-plan.schema.json"), "utf8"));

function examplePlan() {
  const { stack } = exampleTree();
  return synthesizePlan(stack, "prod-move");
}

function stepsOf(hostId: string, plan = examplePlan()): readonly Step[] {
  const host = plan.hosts.find((h) => h.id === hostId);
  if (!host) throw new Error(`no host ${hostId}`);
  return host.steps;
}

describe("synthesis of the example", () => {
  it("creates, configures and assigns the named VF and adds the vnet on the source", () => {
    const steps = stepsOf("t7-a");
    expect(steps.map((s) => [s.id, s.kind])).toEqual([
      ["vf/ldg1-app/create", "create-vf"],
      ["vf/ldg1-app/set/pvid", "set-vf"],
      ["vf/ldg1-app/assign", "assign-vf"],
      ["vnet/ldg1/vnet0/add", "add-vnet"],
      ["vnet/ldg1/vnet0/set/vswitch", "set-vnet"],
      ["vnet/ldg1/vnet0/set/pvid", "set-vnet"],
    ]);
    const [create, setPvid, assign, addVnet] = steps;
    expect(create).toEqual({
      id: "vf/ldg1-app/create",
      kind: "create-vf",
      object: { vf: "ldg1-app" },
      pf: "/SYS/MB/NET0/IOVNET.PF0",
      proof: ["list-io"],
      summary: 'create VF "ldg1-app" on /SYS/MB/NET0/IOVNET.PF0 (pvid=100)',
      guard: { kind: "not", condition: { kind: "vf-exists", name: "ldg1-app" } },
      argv: ["create-vf", "name=ldg1-app", "pvid=100", "/SYS/MB/NET0/IOVNET.PF0"],
      postcondition: { kind: "all", conditions: [{ kind: "vf-exists", name: "ldg1-app" }, { kind: "vf-property", name: "ldg1-app", property: "pvid", value: "100" }] },
    });
    expect(setPvid?.argv).toEqual(["set-io", "pvid=100", { ref: "vf-pseudonym", name: "ldg1-app" }]);
    expect(setPvid?.disruption).toBeUndefined();
    expect(assign).toMatchObject({
      object: { vf: "ldg1-app" },
      to: "ldg1",
      argv: ["add-io", { ref: "vf-pseudonym", name: "ldg1-app" }, "ldg1"],
      guard: { kind: "not", condition: { kind: "vf-assigned", name: "ldg1-app", domain: "ldg1" } },
      postcondition: { kind: "vf-assigned", name: "ldg1-app", domain: "ldg1" },
    });
    expect(addVnet).toMatchObject({
      object: { vnet: "vnet0", domain: "ldg1" },
      proof: ["list-domains"],
      argv: ["add-vnet", "pvid=100", "vnet0", "primary-vsw0", "ldg1"],
      guard: { kind: "not", condition: { kind: "vnet-exists", domain: "ldg1", ifName: "vnet0" } },
    });
  });

  it("creates the same-named VF, unassigned, on the target PF", () => {
    const steps = stepsOf("t7-b");
    expect(steps.map((s) => s.id)).toEqual(["vf/ldg1-app/create", "vf/ldg1-app/set/pvid"]);
    expect(steps[0]?.argv).toEqual(["create-vf", "name=ldg1-app", "pvid=100", "/SYS/MB/NET2/IOVNET.PF0"]);
    expect(steps.some((s) => s.kind === "assign-vf")).toBe(false);
    const target = examplePlan().hosts.find((h) => h.id === "t7-b");
    expect(target?.desired.unassignedVfs).toEqual([
      { name: "ldg1-app", pf: "/SYS/MB/NET2/IOVNET.PF0", properties: { pvid: "100" }, network: { name: "app-net", vlan: 100 } },
    ]);
    expect(target?.desired.vswitches).toEqual([{ name: "primary-vsw0" }]);
  });

  it("describes the migration", () => {
    expect(examplePlan().migrations).toEqual([{
      id: "ldg1-to-b",
      domain: "ldg1",
      sourceHost: "t7-a",
      targetHost: "t7-b",
      targetAddress: "t7-b.example.net",
      auth: { kind: "certificate" },
      migrate: false,
      targetVfs: [{ name: "ldg1-app", pf: "/SYS/MB/NET2/IOVNET.PF0" }],
      requiredVswitches: ["primary-vsw0"],
      blockingVfs: [],
    }]);
  });

  it("gives identical bytes for two syntheses of the same configuration", () => {
    const first = stackArtifacts(examplePlan());
    const second = stackArtifacts(examplePlan());
    expect([...first.keys()]).toEqual(["ldoms.plan.json", "scripts/guest-ldg1.sh", "scripts/t7-a.sh", "scripts/t7-b.sh"]);
    expect([...second.entries()]).toEqual([...first.entries()]);
    const text = first.get("ldoms.plan.json") as string;
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toContain('\n  "formatVersion": 2,\n');
  });

  it("does not depend on declaration order", () => {
    const declareIn = (order: "ab" | "ba") => {
      const stack = newStack();
      const hosts = order === "ab" ? ["t7-a", "t7-b"] : ["t7-b", "t7-a"];
      const byId = new Map(hosts.map((id) => [id, new ControlDomain(stack, id, { address: `${id}.example.net` })]));
      const a = byId.get("t7-a")!;
      for (const d of order === "ab" ? ["ldg1", "ldg2"] : ["ldg2", "ldg1"]) {
        const g = new GuestDomain(a, d);
        new EthernetVf(g, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: `${d}-app`, vid: [20, 10] });
      }
      return stableJson(synthesizePlan(stack, "s"));
    };
    expect(declareIn("ba")).toBe(declareIn("ab"));
  });

  it("names an adopted VF instead of creating one, and marks MAC/MTU drift as disruptive", () => {
    const stack = newStack();
    const a = new ControlDomain(stack, "t7-a", { address: "t7-a", pfexec: true, ldmPath: "/opt/SUNWldm/bin/ldm" });
    const ldg1 = new GuestDomain(a, "ldg1");
    new EthernetVf(ldg1, "vf0", { vf: "/SYS/MB/NET0/IOVNET.PF0.VF3", name: "ldg1-app", macAddr: "00:14:4F:F8:1C:A5", mtu: 9000, pvid: 5 });
    const steps = synthesizePlan(stack, "s").hosts[0]!.steps;
    expect(steps.map((s) => s.id)).toEqual([
      "vf/ldg1-app/name", "vf/ldg1-app/set/mac-addr", "vf/ldg1-app/set/pvid", "vf/ldg1-app/set/mtu", "vf/ldg1-app/assign",
    ]);
    expect(steps[0]).toMatchObject({
      kind: "name-vf",
      argv: ["set-io", "name=ldg1-app", "/SYS/MB/NET0/IOVNET.PF0.VF3"],
      guard: { kind: "not", condition: { kind: "vf-pseudonym-named", vf: "/SYS/MB/NET0/IOVNET.PF0.VF3", name: "ldg1-app" } },
    });
    expect(steps[1]).toMatchObject({ argv: ["set-io", "mac-addr=00:14:4f:f8:1c:a5", { ref: "vf-pseudonym", name: "ldg1-app" }], disruption: "needs-domain-stopped", domain: "ldg1" });
    expect(steps[2]?.disruption).toBeUndefined();
    expect(steps[3]).toMatchObject({ disruption: "needs-domain-stopped", domain: "ldg1" });
  });

  it("carries password-file auth, target user, the migrate opt-in and an adopted target VF", () => {
    const other = newStack("s2");
    const net = new Network(other, "n");
    const a = new ControlDomain(other, "a", { address: "a" });
    const b = new ControlDomain(other, "b", { address: "b" });
    const g = new GuestDomain(a, "g");
    const vf = new EthernetVf(g, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "g-app", network: net });
    new IpmpGroup(g, "ipmp0", { active: vf, standby: new Vnet(g, "vnet0", { vswitch: "primary-vsw0", network: net }) });
    new SriovMigration(other, "g-to-b", { domain: g, target: b, targetVf: "/SYS/MB/NET2/IOVNET.PF0.VF1", passwordFile: "/etc/ldoms/pw", targetUser: "root", migrate: true });
    const plan = synthesizePlan(other, "s2");
    expect(plan.migrations[0]).toMatchObject({ auth: { kind: "password-file", path: "/etc/ldoms/pw" }, targetUser: "root", migrate: true, targetVfs: [{ name: "g-app", vf: "/SYS/MB/NET2/IOVNET.PF0.VF1" }] });
    expect(plan.hosts.find((h) => h.id === "b")!.steps.map((s) => s.argv)).toEqual([["set-io", "name=g-app", "/SYS/MB/NET2/IOVNET.PF0.VF1"]]);
  });

  it("refuses to synthesize an invalid tree and reports all its problems", () => {
    const stack = newStack();
    const a = new ControlDomain(stack, "t7-a", { address: "t7-a" });
    const g = new GuestDomain(a, "ldg1");
    new EthernetVf(g, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0" });
    new EthernetVf(g, "vf1", { pf: "/SYS/MB/NET0/IOVNET.PF0" });
    let error: unknown;
    try { synthesizePlan(stack, "s"); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toHaveLength(2);
  });
});

describe("plan document schema", () => {
  it("accepts the synthesized example with ajv and with parsePlanDocument", () => {
    const text = stableJson(examplePlan());
    const validate = new Ajv({ strict: false, discriminator: true }).compile(schema);
    expect(validate(JSON.parse(text)), JSON.stringify(validate.errors)).toBe(true);
    expect(parsePlanDocument(text, "ldoms.plan.json")).toEqual(JSON.parse(text));
  });

  it("rejects a damaged document with the JSON path of the problem", () => {
    const doc = JSON.parse(stableJson(examplePlan()));
    doc.hosts[0].steps[1].guard.condition.property = "speed";
    delete doc.hosts[1].connection.port;
    expect(() => parsePlanDocument(JSON.stringify(doc), "plan.json")).toThrow(
      'plan.json is not a valid plan document (formatVersion 2):\n  - $.hosts[0].steps[1].guard.condition.property: expected "mac-addr", "alt-mac-addrs", "pvid", "vid" or "mtu", got "speed"\n  - $.hosts[1].connection: missing required key "port"; add "port"',
    );
  });

  it("rejects a desired VF that names both a PF to create it on and a VF to adopt", () => {
    const doc = JSON.parse(stableJson(examplePlan()));
    doc.hosts[1].desired.unassignedVfs[0].vf = "/SYS/MB/NET2/IOVNET.PF0.VF0";
    expect(() => parsePlanDocument(JSON.stringify(doc), "plan.json")).toThrow(
      'plan.json is not a valid plan document (formatVersion 2):\n  - $.hosts[1].desired.unassignedVfs[0]: must have exactly one of "pf" (create the VF) and "vf" (adopt an existing VF)',
    );
  });

  it("rejects an unknown formatVersion and non-JSON with a clear message", () => {
    const doc = JSON.parse(stableJson(examplePlan()));
    doc.formatVersion = 3;
    expect(() => parsePlanDocument(JSON.stringify(doc), "plan.json")).toThrow(
      "plan.json has plan formatVersion 3, but this ldoms reads formatVersion 2; synthesize the plan again with this version (`ldoms synth`) or use the ldoms release that wrote it",
    );
    expect(() => parsePlanDocument("{", "plan.json")).toThrow(/^plan\.json is not a plan document: it is not valid JSON/);
    expect(() => parsePlanDocument(JSON.stringify(doc), "plan.json")).toThrow(ValidationError);
  });

  it("refuses a formatVersion 1 plan (steps that do not name their object) and says to synthesize again", () => {
    const doc = JSON.parse(stableJson(examplePlan()));
    doc.formatVersion = 1;
    for (const host of doc.hosts) for (const step of host.steps) { delete step.object; delete step.proof; }
    expect(() => parsePlanDocument(JSON.stringify(doc), "ldoms.plan.json")).toThrow(
      "ldoms.plan.json has plan formatVersion 1, written by an older ldoms; this ldoms reads formatVersion 2 (its steps name the object they act on and the listing that proves them). Synthesize the plan again (`ldoms synth`, or `cdktf synth`): it is made from your stack, nothing is lost",
    );
  });

  it("names the object of every step and the listing that proves it", () => {
    const steps = examplePlan().hosts.flatMap((h) => h.steps);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      if (step.kind === "add-vnet" || step.kind === "set-vnet") {
        expect(step.object).toEqual({ domain: expect.any(String), vnet: expect.any(String) });
        expect(step.id.startsWith(`vnet/${step.object.domain}/${step.object.vnet}/`)).toBe(true);
        expect(step.proof).toEqual(["list-domains"]);
      } else {
        expect(step.object).toEqual({ vf: expect.any(String) });
        expect(step.id.startsWith(`vf/${step.object.vf}/`)).toBe(true);
        expect(step.proof).toEqual(["list-io"]);
      }
    }
    const create = steps.find((s) => s.kind === "create-vf");
    expect(create && create.kind === "create-vf" && create.argv[create.argv.length - 1]).toBe(create && create.kind === "create-vf" ? create.pf : "");
  });
});

describe("document-wide ids", () => {
  it("refuses two control domains with the same id in different scopes", () => {
    const stack = newStack();
    new ControlDomain(stack, "t7-a", { address: "a" });
    const site = new (Object.getPrototypeOf(stack).constructor)(stack, "site-2");
    new ControlDomain(site, "t7-a", { address: "b" });
    expect(() => synthesizePlan(stack, "s")).toThrow(
      'ControlDomain ids must be unique in a stack:\n  - prod-move/site-2/t7-a: ControlDomain id "t7-a" is also used by prod-move/t7-a; give each ControlDomain its own id',
    );
  });
});

describe("guest access", () => {
  it("lists guests with SSH access and their IPMP groups on their host", () => {
    const stack = newStack();
    const a = new ControlDomain(stack, "t7-a", { address: "t7-a" });
    const g = new GuestDomain(a, "ldg1", { access: { address: "ldg1.example.net", user: "admin", identityFile: "keys/ldg1" } });
    const vf = new EthernetVf(g, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "ldg1-app" });
    new IpmpGroup(g, "ipmp0", { active: vf, standby: new Vnet(g, "vnet0", { vswitch: "primary-vsw0" }) });
    new GuestDomain(a, "ldg2");
    expect(synthesizePlan(stack, "s").hosts[0]?.guests).toEqual([{
      domain: "ldg1",
      access: { address: "ldg1.example.net", port: 22, user: "admin", identityFile: "keys/ldg1" },
      ipmpGroups: [{ name: "ipmp0", activeVf: "ldg1-app", standbyVnet: "vnet0" }],
    }]);
  });
});
