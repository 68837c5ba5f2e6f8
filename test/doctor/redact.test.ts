import { describe, expect, it } from "vitest";
import { domainNamesIn, Redactor } from "../../src/engine/doctor";
import { parseListDomains } from "../../src/ldm";
import { LDM_V, LIST_L_P } from "./samples";

describe("doctor --redact (Redactor)", () => {
  it("replaces each value consistently, whatever its spelling (dladm drops leading zeros)", () => {
    const r = new Redactor({ hosts: ["t7-a.example.net", "t7-a"], domains: ["ldg1", "ldg10"] });
    expect(r.text("|mac-addr=00:14:4f:fb:3a:02|peer=vnet0@ldg1")).toBe("|mac-addr=02:00:00:00:00:01|peer=vnet0@domain-1");
    expect(r.text("net1  primary  0:14:4f:fb:3a:2  yes  net1")).toBe("net1  primary  02:00:00:00:00:01  yes  net1");
    expect(r.text("ldg10 ldg1-disk0 t7-a t7-a.example.net")).toBe("domain-2 domain-1-disk0 host-1 host-2");
    expect(r.text("   ipmp0/v4       static     ok           --         192.0.2.77/24")).toBe("   ipmp0/v4       static     ok           --         192.0.2.1/24");
    expect(r.text("fe80::214:4fff:fefb:3a02/10")).toBe("2001:db8::1/10");
    expect(r.text("|port-wwn=10:00:00:14:4f:fc:f4:7c|uuid=6f2e3c9a-0b1d-4c1e-9d2a-1a2b3c4d5e6f")).toBe("|port-wwn=20:00:00:00:00:00:00:01|uuid=00000000-0000-4000-8000-000000000001");
    expect(r.text("Chassis Serial Number: AK00123456")).toBe("Chassis Serial Number: serial-1");
    expect(r.counts()).toEqual({ mac: 1, domain: 2, host: 2, ipv4: 1, ipv6: 1, wwn: 1, uuid: 1, serial: 1 });
  });

  it("leaves keys, versions, times and the control domain alone", () => {
    const r = new Redactor({ hosts: ["name"], domains: ["mtu", "primary"] });
    expect(r.text("VNET|name=vnet0|mtu=1500|service=primary-vsw0@primary")).toBe("VNET|name=vnet0|mtu=1500|service=primary-vsw0@primary");
    expect(r.text(LDM_V)).toBe(LDM_V);
  });

  it("a redacted listing still parses, with the same structure", () => {
    const r = new Redactor({ hosts: [], domains: domainNamesIn([{ id: "list-l-p", scope: "host", argv: [], commandLine: "", exitStatus: 0, stdout: LIST_L_P, stderr: "", durationMs: 0 }]) });
    const before = parseListDomains(LIST_L_P).domains;
    const after = parseListDomains(r.text(LIST_L_P)).domains;
    expect(after.map((d) => d.name)).toEqual(["primary", "domain-1"]);
    expect(after.map((d) => [d.vnets.length, d.io.length, d.state])).toEqual(before.map((d) => [d.vnets.length, d.io.length, d.state]));
    expect(after[1]!.vnets[0]!.macAddr).toBe("02:00:00:00:00:01");
  });
});
