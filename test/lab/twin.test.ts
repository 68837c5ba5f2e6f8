/**
 * `ldoms lab twin`: doctor on a lab machine (the example applied: named VFs, a vnet, an
 * assigned VF), twin the bundle, start a lab from the twin, doctor again: the listings the
 * engine reads are identical. Normalized, because the lab allocates them and a lab definition
 * cannot preset them: `uptime=` (seconds since the lab started) and a virtual switch's
 * `mac-addr=` (the lab assigns switch MACs).
 */
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, MANIFEST_FILE } from "../../src/engine/doctor";
import { loadLabDefinition } from "../../src/lab/definition";
import { BundleError, TWIN_BUNDLE_FORMAT, TWIN_BUNDLE_FORMAT_VERSION, twinFromBundle, twinFromBundles } from "../../src/lab/twin";
import { defaultLabJson } from "../migration/support";
import { startSshLab, type SshLab } from "../engine/support/ssh-lab";
import { applyExample, comparableListings, doctorWorkspace, type DoctorWorkspace } from "../doctor/support";

describe("ldoms lab twin: capture, twin, capture the twin (over the lab's SSH server)", () => {
  let env: SshLab;
  let twinEnv: SshLab | undefined;
  let ws: DoctorWorkspace;

  beforeAll(async () => {
    env = await startSshLab({ json: defaultLabJson() });
    ws = doctorWorkspace(mkdtempSync(join(tmpdir(), "ldoms-twin-")));
    await applyExample(ws, ws.inventory(env.inventory));
    const run = await ws.doctor({ inventory: ws.inventory(env.inventory), host: ["t7-a"], guest: "ldg1", out: "original" });
    expect(run.code, run.stdout).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    await twinEnv?.close();
    if (ws) rmSync(ws.dir, { recursive: true, force: true });
  });

  it("the twin reproduces list -l -p, list-io -l -p and list-services -p", async () => {
    const twin = twinFromBundle(join(ws.dir, "original"));
    const machine = twin.document.machines[0]!;
    expect(machine.name).toBe("t7-a");
    expect(machine.pfs!.map((pf) => [pf.alias, pf.maxvfs, pf.vfs!.map((vf) => [vf.name, vf.domain, vf.pvid])])).toEqual([
      ["/SYS/MB/NET0/IOVNET.PF0", 7, [["ldg1-app", "ldg1", 100]]],
      ["/SYS/MB/NET2/IOVNET.PF0", 16, []],
    ]);
    expect(machine.domains!.map((d) => [d.name, d.state, d.guestModel ?? false, d.vnets!.map((v) => v.name)])).toEqual([
      ["primary", "active", false, []],
      ["ldg1", "active", true, ["vnet0"]],
    ]);
    expect(twin.notes).toEqual([expect.stringMatching(/^virtual switch primary-vsw0: mac-addr=\S+ is not reproduced \(the lab assigns one\)$/)]);

    twinEnv = await startSshLab({ json: twin.document });
    const run = await ws.doctor({ inventory: ws.inventory(twinEnv.inventory, "twin-inventory.json"), host: ["t7-a"], guest: "ldg1", out: "twin" });
    expect(run.code, run.stdout).toBe(0);
    expect(comparableListings(join(ws.dir, "twin"))).toEqual(comparableListings(join(ws.dir, "original")));
    // The guest's IPMP group is not part of a lab definition: the twin's guest starts without one.
    expect(readFileSync(join(ws.dir, "twin", "guest-ipmpstat-g.stdout"), "utf8")).not.toContain("ipmp0");
  }, 60_000);

  it("several bundles make one lab (a migration's source and target); one machine twice is refused", async () => {
    const run = await ws.doctor({ inventory: ws.inventory(env.inventory), host: ["t7-b"], out: "target" });
    expect(run.code, run.stdout).toBe(0);
    const twin = twinFromBundles([join(ws.dir, "original"), join(ws.dir, "target")]);
    expect(twin.document.machines.map((m) => [m.name, m.pfs!.flatMap((pf) => pf.vfs!.map((vf) => `${vf.name}@${vf.domain ?? "-"}`))])).toEqual([
      ["t7-a", ["ldg1-app@ldg1"]],
      ["t7-b", ["ldg1-app@-"]],
    ]);
    const both = await startSshLab({ json: twin.document });
    try {
      const inventory = ws.inventory(both.inventory, "both-inventory.json");
      for (const host of ["t7-a", "t7-b"]) {
        const again = await ws.doctor({ inventory, host: [host], out: `twin-of-${host}` });
        expect(again.code, again.stdout).toBe(0);
      }
      expect(comparableListings(join(ws.dir, "twin-of-t7-a"))).toEqual(comparableListings(join(ws.dir, "original")));
      expect(comparableListings(join(ws.dir, "twin-of-t7-b"))).toEqual(comparableListings(join(ws.dir, "target")));
    } finally {
      await both.close();
    }
    expect(() => twinFromBundles([join(ws.dir, "original"), join(ws.dir, "twin")])).toThrow(
      `${join(ws.dir, "original")} and ${join(ws.dir, "twin")} both capture machine t7-a: give each machine once`,
    );
  }, 60_000);

  it("a redacted bundle twins too (placeholders are valid lab names)", async () => {
    await ws.doctor({ inventory: ws.inventory(env.inventory), host: ["t7-a"], out: "redacted", redact: true });
    const twin = twinFromBundle(join(ws.dir, "redacted"));
    expect(twin.document.machines[0]!.name).toBe("host-1");
    expect(twin.document.machines[0]!.domains!.map((d) => d.name)).toEqual(["primary", "domain-1"]);
    expect(() => loadLabDefinition(twin.document, "twin")).not.toThrow();
  });

  it("the lab reads the bundle format doctor writes", () => {
    expect([TWIN_BUNDLE_FORMAT, TWIN_BUNDLE_FORMAT_VERSION]).toEqual([BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION]);
  });

  describe("a bundle that is not as captured is refused, naming the file and line", () => {
    const copy = (name: string, edit: (dir: string) => void): string => {
      const dir = join(ws.dir, name);
      rmSync(dir, { recursive: true, force: true });
      const from = join(ws.dir, "original");
      cpSync(from, dir, { recursive: true });
      edit(dir);
      return dir;
    };
    const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, MANIFEST_FILE), "utf8"));
    const writeManifest = (dir: string, m: object) => writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(m, null, 2));

    it("truncated listing", () => {
      const dir = copy("truncated", (d) => {
        const file = join(d, "list-io-l-p.stdout");
        writeFileSync(file, readFileSync(file, "utf8").split("\n").slice(0, 7).join("\n"));
      });
      expect(() => twinFromBundle(dir)).toThrow(BundleError);
      expect(() => twinFromBundle(dir)).toThrow(
        `${join(dir, "list-io-l-p.stdout")}: truncated: 7 line(s), the capture had 16; it ends at line 7: "|dev=pci@300/pci@1/pci@0/pci@4/network@0|alias=/SYS/MB/NET0/IOVNET.PF0|status=|domain=primary|type=PF|class=NETWORK|bus=pci_0"`,
      );
    });

    it("hand-edited listing", () => {
      const dir = copy("edited", (d) => {
        const file = join(d, "list-l-p.stdout");
        writeFileSync(file, readFileSync(file, "utf8").replace("ncpu=8", "ncpu=9"));
      });
      expect(() => twinFromBundle(dir)).toThrow(`${join(dir, "list-l-p.stdout")}: edited after the capture (13 line(s), the capture had 13; its SHA-256 differs from the manifest's)`);
    });

    it("hand-edited listing and manifest: the line that does not parse is named", () => {
      const dir = copy("edited-both", (d) => {
        const file = join(d, "list-services-p.stdout");
        const text = readFileSync(file, "utf8").replace("VDS|name=primary-vds0", "VDS name primary-vds0");
        writeFileSync(file, text);
        const m = manifestOf(d);
        const entry = m.commands.find((c: { id: string }) => c.id === "list-services-p").stdout;
        entry.sha256 = createHash("sha256").update(text).digest("hex");
        entry.bytes = Buffer.byteLength(text);
        writeManifest(d, m);
      });
      expect(() => twinFromBundle(dir)).toThrow(
        `${join(dir, "list-services-p.stdout")} line 5: expected "VERSION x.y", "TYPE|key=value|..." or "|key=value|...", found "VDS name primary-vds0" (line: "VDS name primary-vds0|ldom=primary")`,
      );
    });

    it("another format version, another tool version, a truncated manifest, no manifest", () => {
      const other = copy("other-format", (d) => writeManifest(d, { ...manifestOf(d), formatVersion: 2 }));
      expect(() => twinFromBundle(other)).toThrow(`${join(other, MANIFEST_FILE)}: bundle format version 2; this ldoms reads version 1: capture again with this version's ldoms doctor`);
      const older = copy("other-tool", (d) => writeManifest(d, { ...manifestOf(d), tool: { name: "cdktf-ldoms", version: "0.0.1" } }));
      expect(() => twinFromBundle(older)).toThrow(/: captured by cdktf-ldoms 0\.0\.1, this is cdktf-ldoms \S+: run ldoms doctor again with this version/);
      const cut = copy("cut-manifest", (d) => writeFileSync(join(d, MANIFEST_FILE), readFileSync(join(d, MANIFEST_FILE), "utf8").slice(0, 400)));
      expect(() => twinFromBundle(cut)).toThrow(new RegExp(`^${join(cut, MANIFEST_FILE).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} line \\d+: not valid JSON`));
      const none = copy("no-manifest", (d) => rmSync(join(d, MANIFEST_FILE)));
      expect(() => twinFromBundle(none)).toThrow(`${join(none, MANIFEST_FILE)} is missing: ${none} is not a complete doctor bundle (an interrupted doctor run leaves no manifest); run ldoms doctor again`);
    });
  });
});
