/** `ldm -V` (ref §8 [V] shape; the version numbers below the first line are lab values). */
export function versionText(ldmVersion: string): string {
  return [
    "",
    `Logical Domains Manager (v ${ldmVersion})`,
    "   Hypervisor control protocol v 1.12",
    "   Using Hypervisor MD v 1.4",
    "",
    "System PROM:",
    "   Hypervisor  v. 1.17.4.   @(#)Hypervisor 1.17.4 2017/09/21 11:02",
    "   OpenBoot    v. 4.41.4.   @(#)OBP 4.41.4 2017/09/20 14:23",
    "",
  ].join("\n");
}
