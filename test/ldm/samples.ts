/** Output samples quoted in shared/docs/ldm-reference.md, byte for byte (trailing blanks kept). */

/** §2.5 `ldm list -p` [V-code]. */
export const LIST_P = `VERSION 1.11
DOMAIN|name=primary|state=active|flags=-n-cv-|cons=UART|ncpu=5|mem=47272862140|util=0.4|uptime=4772570|norm_util=0.4
DOMAIN|name=host1|state=active|flags=-n----|cons=5000|ncpu=1|mem=47272862140|util=1.4|uptime=173837|norm_util=1.4
`;

/** §3.1 `ldm list-io` [V] (header carries trailing blanks, as in the docs). */
export const LIST_IO_HUMAN = `NAME                                      TYPE   BUS      DOMAIN   STATUS   
----                                      ----   ---      ------   ------   
/SYS/PM0/CMP0/PEX                         BUS    pci_0    primary  IOV
/SYS/PM0/CMP0/NIU_CORE                    NIU    niu_0    primary
/SYS/MB/RISER0/PCIE0                      PCIE   pci_0    primary  EMP
/SYS/MB/RISER0/PCIE3                      PCIE   pci_0    primary  OCC
/SYS/MB/NET0                              PCIE   pci_0    primary  OCC
/SYS/MB/RISER0/PCIE3/IOVIB.PF0            PF     pci_0    primary
/SYS/MB/NET0/IOVNET.PF0                   PF     pci_0    primary
`;

/** §3.1 SPARC T4-2 rows [V]: blank DOMAIN with a STATUS, blank DOMAIN and STATUS. */
export const LIST_IO_HUMAN_T4 = `NAME                                      TYPE   BUS      DOMAIN   STATUS
----                                      ----   ---      ------   ------
pci_0                                     BUS    pci_0    primary  IOV
pci_1                                     BUS    pci_1
niu_0                                     NIU    niu_0    primary
/SYS/MB/PCIE1                             PCIE   pci_1             UNK
`;

/** §3.2 `ldm list-io -p` record [V-code]. */
export const LIST_IO_P_LINE = "|dev=pci@700/pci@1/pci@0/pci@4/SUNW,emlxs@0|alias=/SYS/PCI-EM14/IOVFC.PF0|status=|domain=fc-nprd3|type=PF|bus=pci_3";

/** §4.3 `ldm list -o network` human [V] (parsers rely on -p; kept to prove it is refused cleanly). */
export const LIST_NETWORK_HUMAN = `NETWORK
    NAME    SERVICE              MACADDRESS        PVID|PVLAN|VIDs
    ----    -------              ----------        ---------------
    vnet0   primary-vsw0@primary 00:14:4f:f9:8a:c2 1|--|--
                                 00:14:4f:f8:1c:a5
                                 00:14:4f:f8:2c:22
`;

/** §4.4 record lines [V-code]. */
export const VNET_CONSTRAINT_LINE = "VNET|name=pubnet0|dev=network@1|service=primary-vsw1@primary";

/** §6.2 `ipmpstat -g` and `ipmpstat -i` [V layout]. */
export const IPMPSTAT_G = `GROUP   GROUPNAME   STATE      FDT        INTERFACES
ipmp0   ipmp0       ok         --         net1 (net0)
`;
export const IPMPSTAT_I = `INTERFACE   ACTIVE   GROUP      FLAGS      LINK       PROBE      STATE
net1        yes      ipmp0      --mb---    up         disabled   ok
net0        no       ipmp0      is-----    up         disabled   ok
`;

/** §3.6 create-vf output [V]. */
export const CREATE_VF_OUTPUT = "Created new vf: /SYS/RIO/NET2/IOVNET.PF0.VF0\n";
