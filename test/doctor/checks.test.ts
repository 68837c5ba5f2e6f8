import { describe, expect, it } from "vitest";
import {
  classValuesCheck,
  controlDomainCheck,
  doctorChecks,
  domainFlagsCheck,
  guestLayoutChecks,
  ldmAccessCheck,
  ldmBannerCheck,
  migrationStatusCheck,
  newKeysCheck,
  parseableVersionCheck,
  recordFieldOrderCheck,
  vfNameLocationCheck,
  vfPropertyKeysCheck,
} from "../../src/engine/doctor";
import { DLADM_SHOW_LINK_11, DLADM_SHOW_PHYS_M, HEALTHY_HOST_VERDICTS, hostOutputs, IPADM_11, IPMPSTAT_G_11, IPMPSTAT_I_11, LDM_V_12, LIST_IO_L_HUMAN, LIST_P, listIoLongP, ok } from "./samples";

describe("doctor checks on real-shaped output", () => {
  it("every check confirms the evidence-shaped host (a migration's status is not observable without one); nothing is contradicted", () => {
    const checks = doctorChecks(hostOutputs(), { user: "ldmops" });
    expect(checks.map((c) => `${c.assumption} ${c.verdict}`)).toEqual(HEALTHY_HOST_VERDICTS);
    expect(checks.every((c) => c.id === `doctor/${c.assumption}` && c.status === (c.verdict === "confirmed" ? "passed" : "unverified"))).toBe(true);
  });

  it("ldm -V: the 3.5 banner and the 1.2 singular form are confirmed; anything else is quoted", () => {
    expect(ldmBannerCheck(hostOutputs()).message).toBe('`ldm -V` banner "Logical Domains Manager (v 3.5.0.0)": Logical Domains Manager 3.5.0.0');
    expect(ldmBannerCheck(hostOutputs({ "ldm-version": ok(LDM_V_12) })).verdict).toBe("confirmed");
    const odd = ldmBannerCheck(hostOutputs({ "ldm-version": ok("\nOracle VM Server for SPARC 3.6\n") }));
    expect([odd.verdict, odd.status, odd.quote]).toEqual(["contradicted", "failed", { command: "ldm -V", line: 2, text: "Oracle VM Server for SPARC 3.6" }]);
  });

  it("VERSION: any x.y is accepted and reported; a listing without it is contradicted with its first line", () => {
    const check = parseableVersionCheck(hostOutputs({ "list-io-l-p": ok(listIoLongP().replace("VERSION 1.11", "VERSION 1.0")) }));
    expect(check.verdict).toBe("confirmed");
    expect(check.message).toBe("VERSION lines: ldm list -l -p 1.11, ldm list-io -l -p 1.0, ldm list-bindings -p 1.11, ldm list-services -p 1.11, ldm list-devices -a -p 1.6, ldm list -o status -p 1.11");
    const newer = parseableVersionCheck(hostOutputs({ "list-l-p": ok("VERSION 1.12\nDOMAIN|name=primary|flags=-n-cv-\n") }));
    expect(newer.notes).toEqual(["VERSION 1.12 (`ldm list -l -p`) was not compared with the parsers yet"]);
    const missing = parseableVersionCheck(hostOutputs({ "list-services-p": ok("VSW|name=primary-vsw0\n") }));
    expect([missing.verdict, missing.quote]).toEqual(["contradicted", { command: "ldm list-services -p", line: 1, text: "VSW|name=primary-vsw0" }]);
  });

  it("control domain and DOMAIN flags: letters and spelled out both confirmed; an unknown flag word is quoted", () => {
    expect(controlDomainCheck(hostOutputs()).message).toBe("`ldm list -l -p` lists the control domain primary (flags=normal,control,vio-service)");
    expect(controlDomainCheck(hostOutputs({ "list-l-p": ok(LIST_P) })).verdict).toBe("confirmed");
    const none = controlDomainCheck(hostOutputs({ "list-l-p": ok("VERSION 1.11\nDOMAIN|name=ldg1|state=active|flags=normal\n") }));
    expect([none.verdict, none.message]).toEqual(["contradicted", "`ldm list -l -p` has no DOMAIN record named primary"]);
    expect(domainFlagsCheck(hostOutputs()).message).toBe("DOMAIN flags ldm list -l -p: spelled out; ldm list-bindings -p: letters");
    const odd = domainFlagsCheck(hostOutputs({ "list-bindings-p": ok("VERSION 1.11\nDOMAIN|name=primary|flags=normal,control,frozen\n") }));
    expect([odd.verdict, odd.message, odd.quote?.line]).toEqual(["contradicted", "`ldm list-bindings -p`: flag word frozen not known to the engine", 2]);
  });

  it("ldm missing (127) or not permitted names ldmPath, or the rights profile and pfexec", () => {
    const missing = ldmAccessCheck({ "ldm-version": { exitStatus: 127, stdout: "", stderr: "bash: ldm: command not found\n" } }, { user: "ops" });
    expect([missing.verdict, missing.message]).toEqual(["contradicted", "`ldm` was not found (`ldm -V` exited 127: bash: ldm: command not found)"]);
    expect(missing.fix).toContain("set ldmPath (e.g. /usr/sbin/ldm)");
    const refused = ldmAccessCheck({ "ldm-version": ok("\nLogical Domains Manager (v 3.5.0.0)\n"), "list-l-p": { exitStatus: 0, stdout: "", stderr: "Authorization failed\n" } }, { user: "ops" });
    expect([refused.verdict, refused.message]).toEqual(["contradicted", "`ldm list -l -p` was refused: Authorization failed"]);
    expect(refused.fix).toBe('give ops the "LDoms Review" rights profile (enough for plan and doctor; "LDoms Management" for apply): usermod -P "LDoms Review" ops; and set pfexec: true so ldm runs through pfexec');
    const viaPfexec = ldmAccessCheck({ "list-l-p": { exitStatus: 1, stdout: "", stderr: "ldm: insufficient privileges\n" } }, { user: "ops", pfexec: true });
    expect(viaPfexec.message).toBe("`pfexec ldm list -l -p` was refused: ldm: insufficient privileges");
    expect(viaPfexec.fix).toContain("check that pfexec grants it (profiles ops)");
  });

  it("list-io -l -p record fields and class values: an other order or class is quoted with its line", () => {
    expect(recordFieldOrderCheck(hostOutputs()).message).toBe("2 PF/VF record(s) start with dev, alias, status, domain, type, class");
    const moved = listIoLongP().replace("|type=PF|class=NETWORK|bus=pci_0", "|type=PF|bus=pci_0|class=NETWORK");
    const order = recordFieldOrderCheck(hostOutputs({ "list-io-l-p": ok(moved) }));
    expect([order.verdict, order.quote?.line, order.message]).toEqual(["contradicted", 4, "a PF record's first fields are dev, alias, status, domain, type, bus, not dev, alias, status, domain, type, class"]);
    const cls = classValuesCheck(hostOutputs({ "list-io-l-p": ok(listIoLongP().replace("type=VF|class=NETWORK", "type=VF|class=ETHERNET")) }));
    expect([cls.verdict, cls.message, cls.quote?.line]).toEqual(["contradicted", "class=ETHERNET is not one of NETWORK, FIBRECHANNEL, INFINIBAND", 6]);
  });

  it("where the VF name shows: record line, property line, human only, nowhere", () => {
    const onRecord = vfNameLocationCheck(hostOutputs());
    expect([onRecord.verdict, onRecord.quote?.line, onRecord.notes]).toEqual(["confirmed", 6, ['human `ldm list-io -l` shows it too: "name = vf-app1" (line 12)']]);
    const onProperty = vfNameLocationCheck(hostOutputs({ "list-io-l-p": ok(listIoLongP({ vfName: "property" })) }));
    expect([onProperty.verdict, onProperty.quote?.text]).toEqual(["confirmed", "|mtu=1500|name=vf-app1"]);
    const humanOnly = vfNameLocationCheck(hostOutputs({ "list-io-l-p": ok(listIoLongP({ vfName: "absent" })) }));
    expect([humanOnly.verdict, humanOnly.quote]).toEqual(["contradicted", { command: "ldm list-io -l", line: 12, text: "    name = vf-app1" }]);
    const none = hostOutputs({ "list-io-l-p": ok(listIoLongP({ vfName: "absent" })), "list-io-l": ok(LIST_IO_L_HUMAN.replace("    name = vf-app1\n", "")) });
    expect(vfNameLocationCheck(none).verdict).toBe("not-observable");
    expect(vfNameLocationCheck(none).message).toContain("VFs exist but no listing shows a name for any of them");
    const unnamed = vfNameLocationCheck(hostOutputs({ "list-io-l-p": ok(listIoLongP({ vfName: "empty" })), "list-io-l": ok("") }));
    expect(unnamed.message).toBe(
      "no named VF yet (the VF records carry an empty name=): create one with `ldm create-vf name=test <pf>` (or name an unassigned VF with `ldm set-io name=test <vf>`) and run doctor again",
    );
    expect(vfNameLocationCheck(hostOutputs({ "list-io-l-p": ok(listIoLongP({ vfs: false })) })).message).toMatch(/^no VF on this host: create one with `ldm create-vf name=test/);
  });

  it("VF property keys from the catalogue and PF maxvfs; a missing key is named", () => {
    expect(vfPropertyKeysCheck(hostOutputs()).message).toBe("1 Ethernet VF(s) show mac-addr, alt-mac-addrs, pvid, vid, mtu; 1 PF(s) show maxvfs");
    const noPvid = vfPropertyKeysCheck(hostOutputs({ "list-io-l-p": ok(listIoLongP({ vfKeys: "|mac-addr=00:14:4f:fb:3a:02|alt-mac-addrs=|vlan=100|mtu=1500" })) }));
    expect([noPvid.verdict, noPvid.message]).toEqual(["contradicted", "Ethernet VF /SYS/MB/NET0/IOVNET.PF0.VF0 shows no pvid, vid (keys seen: mac-addr, alt-mac-addrs, vlan, mtu)"]);
    expect(vfPropertyKeysCheck(hostOutputs({ "list-io-l-p": ok(listIoLongP().replace("|unicast-slots=8|maxvfs=7", "|unicast-slots=8")) })).message).toBe("PF /SYS/MB/NET0/IOVNET.PF0 shows no maxvfs=");
  });

  it("migration status: progress= confirmed while a migration runs; without one, not observable", () => {
    const running = migrationStatusCheck(hostOutputs({ "list-o-status-p": ok(`VERSION 1.11\nDOMAIN|name=ldg1|state=active|flags=-n---s\nSTATUS|op=migration|progress=42|error=no|target=t7-b\n`) }));
    expect([running.verdict, running.quote?.line]).toEqual(["confirmed", 3]);
    const other = migrationStatusCheck(hostOutputs({ "list-o-status-p": ok(`VERSION 1.11\nDOMAIN|name=ldg1\nSTATUS|op=migration|status=ongoing|percent=42\n`) }));
    expect([other.verdict, other.message, other.quote?.text]).toEqual(["contradicted", "a migration's status shows no progress= key", "STATUS|op=migration|status=ongoing|percent=42"]);
    expect(migrationStatusCheck(hostOutputs()).message).toBe("no migration in progress, so the status keys cannot be seen");
  });

  it("unknown keys are reported as new keys, not contradictions", () => {
    const check = newKeysCheck(hostOutputs());
    expect(check.verdict).toBe("confirmed");
    expect(check.notes).toEqual(["new key seen: ldm list-io -l -p line 5: unicast-slots=8"]);
  });

  it("guest layouts: Solaris 11.4 columns confirmed, another header quoted; none without --guest", () => {
    expect(guestLayoutChecks(hostOutputs())).toEqual([]);
    const guest = {
      "guest-ipmpstat-g": ok(IPMPSTAT_G_11),
      "guest-ipmpstat-i": ok(IPMPSTAT_I_11),
      "guest-ipadm": ok(IPADM_11),
      "guest-dladm-show-link": ok(DLADM_SHOW_LINK_11),
      "guest-dladm-show-phys-m": ok(DLADM_SHOW_PHYS_M),
    };
    const checks = guestLayoutChecks(guest);
    expect(checks.map((c) => c.verdict)).toEqual(["confirmed", "confirmed", "confirmed", "confirmed", "confirmed"]);
    expect(checks[0]!.notes).toEqual(["header at GROUP 0, GROUPNAME 12, STATE 24, FDT 34, INTERFACES 44"]);
    const other = guestLayoutChecks({ ...guest, "guest-ipmpstat-i": ok("INTERFACE  ACTIVE  GROUP  FLAGS  LINK  STATE\n"), "guest-ipadm": { exitStatus: 1, stdout: "", stderr: "ipadm: not found\n" } });
    expect([other[1]!.verdict, other[1]!.quote?.text]).toEqual(["contradicted", "INTERFACE  ACTIVE  GROUP  FLAGS  LINK  STATE"]);
    expect([other[4]!.verdict, other[4]!.message]).toEqual(["not-observable", "`ipadm` exited 1 (ipadm: not found): the IP interfaces and their IPMP group layout cannot be read"]);
  });
});
