/**
 * The stacks the operation sequences synthesize: one MigrationGroup over the lab's hosts, each
 * mobile domain with a named VF and a vnet in an IPMP group, and per domain one of a few VLAN
 * variants of its VF (the "random valid stack change").
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { ControlDomain, EthernetVf, IpmpGroup, LdomsStack, MigrationGroup, Network, PhysicalFunction, VirtualSwitch, Vnet } from "../../../src";
import type { PlanDocument } from "../../../src/model";
import { synthesizePlan } from "../../../src/synth";

/**
 * How a domain's VF and vnet are tagged: the network's VLAN untagged, plus a second VLAN on the
 * VF, or both moved to untagged VLAN 300 with the network's VLAN tagged. The VF and the vnet of
 * an IPMP pair always share their untagged VLAN (migration rule 4 checks it).
 */
export const VF_VARIANTS = {
  base: { pvid: 100, vid: [] as number[], vnetPvid: 100, vnetVid: [] as number[] },
  "second-vlan": { pvid: 100, vid: [200], vnetPvid: 100, vnetVid: [] as number[] },
  "pvid-300": { pvid: 300, vid: [100], vnetPvid: 300, vnetVid: [100] },
} as const;

export type VfVariant = keyof typeof VF_VARIANTS;
export const VF_VARIANT_NAMES = Object.keys(VF_VARIANTS) as VfVariant[];

export const APP_PF = "/SYS/MB/NET2/IOVNET.PF0";
export const STACK = "ops";

export function hostIds(count: number): string[] {
  return ["t7-a", "t7-b", "t7-c", "t7-d"].slice(0, count);
}

export function domainNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `ldg${i + 1}`);
}

export function vfName(domain: string): string {
  return `${domain}-app`;
}

/** The stack's variant key: one variant per domain, in domain order. */
export function variantKey(variants: Readonly<Record<string, VfVariant>>): string {
  return Object.keys(variants).sort().map((d) => `${d}=${variants[d]}`).join(",");
}

const cache = new Map<string, PlanDocument>();

/** Synthesizes (once per distinct stack) the plan document for these hosts and domain variants. */
export function stackPlan(hosts: readonly string[], variants: Readonly<Record<string, VfVariant>>): PlanDocument {
  const key = `${hosts.join(",")}|${variantKey(variants)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const outdir = mkdtempSync(join(tmpdir(), "ldoms-prop-app-"));
  try {
    const app = new App({ outdir });
    const stack = new LdomsStack(app, STACK);
    const net = new Network(stack, "app-net", { vlan: 100 });
    const controls = hosts.map((id) => {
      const host = new ControlDomain(stack, id, { address: `${id}.example.net`, hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
      new PhysicalFunction(host, "app-pf", { pf: APP_PF, network: net });
      new VirtualSwitch(host, "primary-vsw0", { network: net });
      return host;
    });
    const group = new MigrationGroup(stack, "grp", { hosts: controls });
    for (const name of Object.keys(variants).sort()) {
      const d = group.addDomain(name);
      const tagging = VF_VARIANTS[variants[name] as VfVariant];
      const vf = new EthernetVf(d, "vf0", { name: vfName(name), network: net, pvid: tagging.pvid, ...(tagging.vid.length ? { vid: [...tagging.vid] } : {}) });
      const vnet = new Vnet(d, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: tagging.vnetPvid, ...(tagging.vnetVid.length ? { vid: [...tagging.vnetVid] } : {}) });
      new IpmpGroup(d, "ipmp0", { active: vf, standby: vnet });
    }
    const document = synthesizePlan(stack, STACK);
    cache.set(key, document);
    return document;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
