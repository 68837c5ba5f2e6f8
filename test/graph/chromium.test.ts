/**
 * The SVG as a browser shows it: headless Chromium (Debian package `chromium`) takes a
 * screenshot, and the picture must not be blank: the fills of its objects are there, on the
 * picture's own white background.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyHosts, engineHosts, planHosts } from "../../src/engine";
import { observedHostsFromPlanRun, observedTopology, toSvg } from "../../src/graph";
import { NODE_STYLES, CLUSTER_STYLES, MARK_STYLES } from "../../src/graph/style";
import { examplePlan } from "../../test-kit/example-plan";
import { inProcessLab } from "../engine/support/engine-lab";
import { colourCounts, decodePng } from "./png";

const work = mkdtempSync(join(tmpdir(), "ldoms-graph-chromium-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function screenshot(svgFile: string, pngFile: string): void {
  const args = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--hide-scrollbars", `--user-data-dir=${join(work, "profile")}`,
    `--screenshot=${pngFile}`, "--window-size=1400,1000", `file://${svgFile}`,
  ];
  const run = spawnSync("chromium", args, { encoding: "utf8", timeout: 60_000 });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
    throw new Error("chromium is not installed: install the Debian package (apt-get install -y chromium); .ci/run does it when it is missing");
  }
  expect(run.error).toBeUndefined();
  expect(run.status, run.stderr).toBe(0);
}

describe("the SVG in headless Chromium", () => {
  it("is a picture: the fills of hosts, PFs, VFs, vnets, networks and drift marks are on screen", { timeout: 90_000 }, async () => {
    const env = inProcessLab();
    const document = examplePlan();
    const hosts = engineHosts(document);
    await applyHosts(hosts, { connect: env.connect() });
    expect((await env.ldm("t7-a", "rm-vnet", "vnet0", "ldg1")).exitCode).toBe(0);
    const run = await planHosts(hosts, { connect: env.connect() });
    const svgFile = join(work, "topology.svg");
    writeFileSync(svgFile, await toSvg(observedTopology(document, { hosts: observedHostsFromPlanRun(run) })));
    const pngFile = join(work, "topology.png");
    const started = Date.now();
    screenshot(svgFile, pngFile);
    const image = decodePng(readFileSync(pngFile));
    expect([image.width, image.height]).toEqual([1400, 1000]);
    const counts = colourCounts(image);
    // Anti-aliased text and edges give many shades; the fills are large areas of exact colours.
    expect(counts.size).toBeGreaterThan(20);
    for (const fill of [CLUSTER_STYLES.host.fill, NODE_STYLES.pf.fill, NODE_STYLES.vf.fill, NODE_STYLES.vswitch.fill, NODE_STYLES.ipmp.fill, NODE_STYLES.network.fill, MARK_STYLES.missing.fill]) {
      expect(counts.get(fill) ?? 0, `pixels of ${fill}`).toBeGreaterThan(500);
    }
    const white = counts.get("#ffffff") ?? 0;
    expect(white / (image.width * image.height)).toBeLessThan(0.9);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
