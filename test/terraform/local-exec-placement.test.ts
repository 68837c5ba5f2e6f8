import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { FINAL_OUTDIR_ENV, finalOutdir, ldomsBinScript, localExecPlacement } from "../../src/terraform/local-exec-placement";

const REPO = resolve(__dirname, "../..");

describe("where Terraform's local-exec commands run and how they start ldoms", () => {
  it("run node on the package installed in the project, in the project folder, with the stack's plan document", () => {
    expect(localExecPlacement({
      projectDir: "/srv/infra",
      stackDir: "/srv/infra/cdktf.out/stacks/prod-move",
      planFile: "/srv/infra/cdktf.out/stacks/prod-move/ldoms.plan.json",
      binScript: "/srv/infra/node_modules/cdktf-ldoms/bin/ldoms.js",
    })).toEqual({
      workingDir: "../../..",
      invocation: { command: ["node", "node_modules/cdktf-ldoms/bin/ldoms.js"], planDocument: "cdktf.out/stacks/prod-move/ldoms.plan.json" },
    });
  });

  it("never give a path that reads as an option", () => {
    const placement = localExecPlacement({
      projectDir: "/srv",
      stackDir: "/srv/-out/stacks/s",
      planFile: "/srv/-out/stacks/s/ldoms.plan.json",
      binScript: "/srv/-pkg/bin/ldoms.js",
    });
    expect(placement.invocation).toEqual({ command: ["node", "./-pkg/bin/ldoms.js"], planDocument: "./-out/stacks/s/ldoms.plan.json" });
  });

  it("find this package's bin script", () => {
    expect(ldomsBinScript()).toBe(join(REPO, "bin", "ldoms.js"));
  });

  it("are placed from where ldoms synth installs the stacks, not from its staging folder", () => {
    const env = { CDKTF_OUTDIR: "/tmp/ldoms-synth-x", [FINAL_OUTDIR_ENV]: "/srv/infra/cdktf.out" };
    expect(finalOutdir("/tmp/ldoms-synth-x", env)).toBe("/srv/infra/cdktf.out");
    // An app that chose its own output folder writes there.
    expect(finalOutdir("/srv/other.out", env)).toBe("/srv/other.out");
    expect(finalOutdir("/srv/infra/cdktf.out", {})).toBe("/srv/infra/cdktf.out");
  });
});
