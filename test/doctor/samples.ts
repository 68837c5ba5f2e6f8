/**
 * Real-shaped outputs for the doctor checks, from shared ldm-evidence.md and ldm-reference.md
 * (each says which section it follows). The lab's own output is the other sample: the
 * integration tests run the checks on it.
 */
import type { CapturedOutput, DoctorOutputs } from "../../src/engine/doctor";

/** The verdicts on a healthy host with a named VF: everything confirmed but a migration's status (none runs). */
export const HEALTHY_HOST_VERDICTS = [
  "ldm-access confirmed",
  "ldm-version-banner confirmed",
  "parseable-version confirmed",
  "control-domain confirmed",
  "domain-flags confirmed",
  "list-io-record-fields confirmed",
  "list-io-class-values confirmed",
  "vf-name-location confirmed",
  "vf-property-keys confirmed",
  "new-keys confirmed",
  "migration-status not-observable",
];

export const ok = (stdout: string): CapturedOutput => ({ exitStatus: 0, stdout, stderr: "" });

/** `ldm -V`, ref §8 shape with the evidence's 3.5 banner. */
export const LDM_V = `
Logical Domains Manager (v 3.5.0.0)
   Hypervisor control protocol v 1.12
   Using Hypervisor MD v 1.4

System PROM:
   Hypervisor  v. 1.17.4.   @(#)Hypervisor 1.17.4 2017/09/21 11:02
`;

/** `ldm -V` of LDoms 1.2 (ref §8 [V]): singular "Domain". */
export const LDM_V_12 = `
Logical Domain Manager (v 1.2)
   Hypervisor control protocol v 1.3
`;

/** `ldm list -p` (ref §2.5 [V-code], letters). */
export const LIST_P = `VERSION 1.11
DOMAIN|name=primary|state=active|flags=-n-cv-|cons=UART|ncpu=5|mem=47272862140|util=0.4|uptime=4772570|norm_util=0.4
DOMAIN|name=host1|state=active|flags=-n----|cons=5000|ncpu=1|mem=47272862140|util=1.4|uptime=173837|norm_util=1.4
`;

/** `ldm list -l -p`, flags spelled out (evidence §3), multi-item IO records on a keyword line (evidence §4). */
export const LIST_L_P = `VERSION 1.11
DOMAIN|name=primary|state=active|flags=normal,control,vio-service|cons=UART|ncpu=16|mem=34359738368|util=0.4|uptime=4772570|norm_util=0.4
IO
|dev=pci@300|alias=pci_0
|dev=pci@301|alias=pci_1
DOMAIN|name=ldg1|state=active|flags=normal|cons=5000|ncpu=8|mem=17179869184|util=1.4|uptime=173837|norm_util=1.4
VNET|name=vnet0|dev=network@0|service=primary-vsw0@primary|mac-addr=00:14:4f:fb:3a:01|mode=|pvid=100|vid=|mtu=1500|linkprop=phys-state|id=0
`;

const BUS = "|dev=pci@300|alias=/SYS/PM0/CMP0/PEX|status=IOV|domain=primary|type=BUS|bus=pci_0";
const SLOT = "|dev=pci@300/pci@1/pci@0/pci@4|alias=/SYS/MB/NET0|status=OCC|domain=primary|type=PCIE|bus=pci_0";
const PF = "|dev=pci@300/pci@1/pci@0/pci@4/network@0|alias=/SYS/MB/NET0/IOVNET.PF0|status=|domain=primary|type=PF|class=NETWORK|bus=pci_0";
const VF = "|dev=pci@300/pci@1/pci@0/pci@4/network@0,1|alias=/SYS/MB/NET0/IOVNET.PF0.VF0|status=|domain=ldg1|type=VF|class=NETWORK|bus=pci_0";

/**
 * `ldm list-io -l -p` as the evidence (§1) says real property lines are: several `|` fields per
 * line, the wanted value second (`split('|')[2]`), the first key unknown.
 */
export function listIoLongP(options: { vfName?: "record" | "property" | "empty" | "absent"; vfs?: boolean; vfKeys?: string } = {}): string {
  const name = options.vfName ?? "record";
  const lines = ["VERSION 1.11", BUS, SLOT, PF, "|unicast-slots=8|maxvfs=7"];
  if (options.vfs !== false) {
    lines.push(name === "record" ? `${VF}|name=vf-app1` : name === "empty" ? `${VF}|name=` : VF);
    lines.push(options.vfKeys ?? "|dev=pci@300/pci@1/pci@0/pci@4/network@0,1|mac-addr=00:14:4f:fb:3a:02|alt-mac-addrs=|pvid=100|vid=|mtu=1500");
    if (name === "property") lines.push("|mtu=1500|name=vf-app1");
  }
  return `${lines.join("\n")}\n`;
}

/** Human `ldm list-io -l` with the name as a `name = X` property (one of the evidence's open possibilities). */
export const LIST_IO_L_HUMAN = `NAME                                      TYPE   BUS      DOMAIN   STATUS   
----                                      ----   ---      ------   ------   
/SYS/PM0/CMP0/PEX                         BUS    pci_0    primary  IOV
[pci@300]
/SYS/MB/NET0/IOVNET.PF0                   PF     pci_0    primary
[pci@300/pci@1/pci@0/pci@4/network@0]
    maxvfs = 7
/SYS/MB/NET0/IOVNET.PF0.VF0               VF     pci_0    ldg1
[pci@300/pci@1/pci@0/pci@4/network@0,1]
    Class properties [NETWORK]
        mac-addr = 00:14:4f:fb:3a:02
    name = vf-app1
`;

/** Solaris 11.4 `ipmpstat -g` (evidence §7 columns: GROUP 0, GROUPNAME 12, STATE 24, FDT 34, INTERFACES 44). */
export const IPMPSTAT_G_11 = `GROUP       GROUPNAME   STATE     FDT       INTERFACES
ipmp0       ipmp0       ok        --        net1 (net0)
`;

/** Solaris 11.4 `ipmpstat -i` (evidence §7: INTERFACE 0, ACTIVE 12, GROUP 20, FLAGS 32, LINK 42, PROBE 52, STATE 62; newest first, `M`). */
export const IPMPSTAT_I_11 = `INTERFACE   ACTIVE  GROUP       FLAGS     LINK      PROBE     STATE
net1        yes     ipmp0       --mbM--   up        disabled  ok
net0        no      ipmp0       -----d-   up        disabled  ok
`;

/** Bare `ipadm` on 11.4 (evidence §8). */
export const IPADM_11 = `NAME              CLASS/TYPE STATE        UNDER      ADDR
ipmp0             ipmp       ok           --         --
   ipmp0/v4       static     ok           --         192.0.2.10/24
net0              ip         ok           ipmp0      --
net1              ip         ok           ipmp0      --
`;

/** `dladm show-link` (evidence §8: LINK 20 wide, CLASS 10 wide). */
export const DLADM_SHOW_LINK_11 = `LINK                CLASS     MTU    STATE    OVER
net0                phys      1500   up       --
net1                phys      1500   up       --
`;

export const DLADM_SHOW_PHYS_M = `LINK                SLOT     ADDRESS            INUSE CLIENT
net0                primary  0:14:4f:fb:3a:1    yes   net0
net1                primary  0:14:4f:fb:3a:2    yes   net1
`;

/** A control domain's outputs, real-shaped; override single commands per test. */
export function hostOutputs(overrides: DoctorOutputs = {}): DoctorOutputs {
  return {
    "ldm-version": ok(LDM_V),
    "list-l-p": ok(LIST_L_P),
    "list-io-l": ok(LIST_IO_L_HUMAN),
    "list-io-l-p": ok(listIoLongP()),
    "list-bindings-p": ok(LIST_P),
    "list-services-p": ok("VERSION 1.11\nVSW|name=primary-vsw0|ldom=primary|mac-addr=00:14:4f:fb:00:01|net-dev=net0|dev=switch@0|default-vlan-id=1|pvid=1|vid=|mtu=1500|id=0\n"),
    "list-devices-a-p": ok("VERSION 1.6\n"),
    "list-o-status-p": ok("VERSION 1.11\nDOMAIN|name=primary|state=active|flags=-n-cv-|cons=UART|ncpu=16|mem=34359738368|util=0.4|uptime=4772570|norm_util=0.4\n"),
    ...overrides,
  };
}
