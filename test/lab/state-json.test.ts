import { describe, expect, it } from "vitest";
import { InMemoryLabStore, Lab, type LabState } from "../../src/lab";
import { NET0, NET2, testLab } from "./helpers";

describe("lab state is plain JSON", () => {
  it("a lab rebuilt from the JSON text of another's state answers identically", async () => {
    const t = testLab();
    await t.ldm("t7-a", "create-vf", "name=ldg1-app", NET0);
    t.settle();
    await t.ldm("t7-a", "add-io", `${NET0}.VF0`, "ldg1");
    await t.ldm("t7-a", "add-vnet", "vnet0", "primary-vsw0", "ldg1");
    await t.ldm("t7-b", "create-vf", "name=ldg1-app", NET2);
    for (const argv of [["create-ip", "net0"], ["create-ip", "net1"], ["create-ipmp", "ipmp0"], ["add-ipmp", "-i", "net0", "-i", "net1", "ipmp0"]]) await t.guest("ldg1", "ipadm", ...argv);
    const text = t.lab.store.read((s) => JSON.stringify(s));
    const copy = new Lab(new InMemoryLabStore(JSON.parse(text) as LabState), { now: () => t.clock.now, sleep: async (ms) => void (t.clock.now += ms) });
    for (const argv of [["list", "-l", "-p"], ["list-io", "-l", "-p"], ["list-services", "-p"], ["list-io"]]) {
      expect(await copy.runLdm("t7-a", argv)).toEqual(await t.lab.runLdm("t7-a", argv));
      expect(await copy.runLdm("t7-b", argv)).toEqual(await t.lab.runLdm("t7-b", argv));
    }
    expect(await copy.runGuest("ldg1", ["ipmpstat", "-i"])).toEqual(await t.lab.runGuest("ldg1", ["ipmpstat", "-i"]));
    t.settle();
    expect(await copy.runLdm("t7-a", ["migrate", "-c", "ldg1", "t7-b"])).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    expect(copy.journal()).toEqual([...t.lab.journal(), expect.objectContaining({ argv: ["migrate", "-c", "ldg1", "t7-b"], exitCode: 0 })]);
  });
});
