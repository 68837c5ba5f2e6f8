/**
 * An `ldm` that exits 0 without answering is refused, never read as an empty machine; a VERSION
 * the parsers have not seen is read with a warning that reaches the CLI's text and --json.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPlan } from "../../src/cli/commands/plan";
import { applyHosts, engineHosts, planHosts, type EngineEvent } from "../../src/engine";
import { examplePlan } from "../../test-kit/example-plan";
import { inProcessLab } from "./support/engine-lab";
import { Capture } from "../support/capture";


const T7A = engineHosts(examplePlan(), { hostIds: ["t7-a"] });
const WHERE = "t7-a (ldmops@t7-a.example.net:22)";
const FIX =
  "That is not a listing of a control domain, so nothing was planned from it. The likely cause is an account that may not read the LDoms configuration: " +
  'give ldmops the "LDoms Review" rights profile for plan, "LDoms Management" for apply (usermod -P "LDoms Management" ldmops), and set pfexec: true so ldm runs through pfexec. ' +
  "If the account has them, check that ldmPath is Oracle's ldm (/usr/sbin/ldm).";

describe("listings are checked before they are trusted", () => {
  it("an ldm that exits 0 with Authorization failed and nothing on stdout is an error naming the host, the listing, what was seen and the fix", async () => {
    const env = inProcessLab();
    env.lab.faults.answer("list-io", { stderr: "Authorization failed\n" });
    const run = await planHosts(T7A, { connect: env.connect() });
    const host = run.hosts[0]!;
    expect(host.observed).toBeUndefined();
    expect(host.actions).toEqual([]);
    expect(host.error?.kind).toBe("connection");
    expect(host.error?.message).toBe(`\`ldm list-io -l -p\` on ${WHERE} exited 0 but printed nothing (no VERSION line, no records); stderr: "Authorization failed". ${FIX}`);
  });

  it("apply refuses such a host before any change", async () => {
    const env = inProcessLab();
    env.lab.faults.answer("list-io", { stderr: "Authorization failed\n", machine: "t7-a" });
    const run = await applyHosts(engineHosts(examplePlan()), { connect: env.connect() });
    expect(run.hosts.map((h) => h.status)).toEqual(["failed", "stopped"]);
    expect(run.hosts[0]!.error?.message).toContain("`ldm list-io -l -p` on t7-a (ldmops@t7-a.example.net:22) exited 0 but printed nothing");
    expect(env.lab.mutatingCount()).toBe(0);
  });

  it("list -l -p without the control domain is refused, quoting what it printed", async () => {
    const env = inProcessLab();
    env.lab.faults.answer("list-domain", { stdout: "VERSION 1.11\nDOMAIN|name=ldg1|state=active|flags=normal\n" });
    const run = await planHosts(T7A, { connect: env.connect() });
    expect(run.hosts[0]!.error?.message).toBe(
      `\`ldm list -l -p\` on ${WHERE} exited 0 but printed no DOMAIN record of the control domain primary: 1 line(s) (the first: "DOMAIN|name=ldg1|state=active|flags=normal"); stderr: (nothing). ${FIX}`,
    );
  });

  it("VFs listed with no name field anywhere are refused before any change, naming the assumption", async () => {
    const env = inProcessLab();
    // A host where VFs exist (made by hand here) but the listing never shows a name field.
    expect((await env.ldm("t7-a", "create-vf", "/SYS/MB/NET0/IOVNET.PF0")).exitCode).toBe(0);
    const listed = await env.ldm("t7-a", "list-io", "-l", "-p");
    const nameless = listed.stdout.replace(/\|name=[^|\n]*/g, "");
    expect(nameless).toContain("type=VF");
    env.lab.faults.answer("list-io", { stdout: nameless, machine: "t7-a" });
    const before = env.lab.mutatingCount();
    const run = await applyHosts(T7A, { connect: env.connect() });
    expect(run.hosts[0]!.status).toBe("failed");
    expect(run.hosts[0]!.error?.message).toBe(
      "t7-a: could not read the output of `ldm list-io -l -p`: it lists 1 VF (/SYS/MB/NET0/IOVNET.PF0.VF0) but no \"name=\" field for any of them, and `ldm list-io -l` shows no \"name = \" line either, so VF names cannot be read here and nothing can be planned on this reading. " +
        'This tool expects the user-assigned name as a "name=" field of the VF\'s record or property lines, or as a "name = " line under the VF in the human listing (LIST_IO_VF_NAME_KEY in src/ldm/assumptions.ts, docs/lab-assumptions.md). ' +
        "Run `ldoms doctor --host <this host>`: it captures the listings and says where this ldm shows VF names; attach its bundle (--redact) to a bug report",
    );
    expect(env.lab.mutatingCount()).toBe(before);
  });

  it("list-io -l -p with a VERSION line and no device is refused", async () => {
    const env = inProcessLab();
    env.lab.faults.answer("list-io", { stdout: "VERSION 1.11\n" });
    const run = await planHosts(T7A, { connect: env.connect() });
    expect(run.hosts[0]!.error?.message).toContain('exited 0 but printed no device (no line with type=): only "VERSION 1.11"; stderr: (nothing).');
  });

  it("an unknown VERSION is read as usual, with one warning naming it and the listings, as an event and in the result", async () => {
    const env = inProcessLab();
    env.lab.faults.parseableVersion("2.0");
    const events: EngineEvent[] = [];
    const run = await planHosts(T7A, { connect: env.connect(), onEvent: (e) => events.push(e) });
    const host = run.hosts[0]!;
    expect(host.error).toBeUndefined();
    expect(host.actions.length).toBe(3);
    const warning =
      "t7-a: `ldm list-io -l -p`, `ldm list -l -p`, `ldm list-services -p` printed VERSION 2.0, which this ldoms has not seen (known: 1.0, 1.6, 1.11); read as usual. " +
      "Review the plan before applying it; once this release's listings are checked against the parsers, add the version to KNOWN_PARSEABLE_VERSIONS (src/ldm/assumptions.ts).";
    expect(host.warnings).toEqual([warning]);
    expect(events.filter((e) => e.type === "host-warning")).toEqual([{ type: "host-warning", host: "t7-a", message: warning }]);
  });

  it("known versions give no warning", async () => {
    const run = await planHosts(T7A, { connect: inProcessLab().connect() });
    expect(run.hosts[0]!.warnings).toBeUndefined();
  });

  it("the CLI shows the warning under the host, in --json and on the progress lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ldoms-listing-"));
    try {
      writeFileSync(join(dir, "ldoms.plan.json"), JSON.stringify(examplePlan()));
      const env = inProcessLab();
      env.lab.faults.parseableVersion("2.0");
      const text = { out: new Capture(), err: new Capture() };
      expect(await runPlan({ planDocument: "ldoms.plan.json", host: ["t7-a"] }, { stdout: text.out, stderr: text.err, cwd: dir, connect: env.connect(), env: {} })).toBe(0);
      expect(text.out.text).toContain("t7-a: 3 to change, 3 unchanged\n  warning: `ldm list-io -l -p`, `ldm list -l -p`, `ldm list-services -p` printed VERSION 2.0, which this ldoms has not seen");
      expect(text.err.text).toMatch(/ t7-a warning: t7-a: `ldm list-io -l -p`, .* printed VERSION 2\.0/);
      const json = { out: new Capture(), err: new Capture() };
      expect(await runPlan({ planDocument: "ldoms.plan.json", host: ["t7-a"], json: true }, { stdout: json.out, stderr: json.err, cwd: dir, connect: env.connect(), env: {} })).toBe(0);
      const report = JSON.parse(json.out.text);
      expect(report.hosts[0].warnings).toHaveLength(1);
      expect(report.hosts[0].warnings[0]).toMatch(/^t7-a: `ldm list-io -l -p`, `ldm list -l -p`, `ldm list-services -p` printed VERSION 2\.0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
