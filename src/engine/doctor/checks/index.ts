/** Every assumption doctor checks, in report order. Pure: captured outputs in, checks out. */
import { controlDomainCheck, domainFlagsCheck, ldmAccessCheck, type AccessContext } from "./domains";
import { guestLayoutChecks } from "./guest";
import { classValuesCheck, recordFieldOrderCheck, vfNameLocationCheck, vfPropertyKeysCheck } from "./list-io";
import { migrationStatusCheck } from "./migration-status";
import { newKeysCheck } from "./new-keys";
import type { DoctorCheck, DoctorOutputs } from "./types";
import { ldmBannerCheck, parseableVersionCheck } from "./version";

export * from "./types";
export { controlDomainCheck, domainFlagsCheck, ldmAccessCheck, type AccessContext } from "./domains";
export { guestLayoutChecks, GUEST_LAYOUTS } from "./guest";
export { classValuesCheck, recordFieldOrderCheck, vfNameLocationCheck, vfPropertyKeysCheck } from "./list-io";
export { migrationStatusCheck } from "./migration-status";
export { newKeysCheck } from "./new-keys";
export { ldmBannerCheck, parseableVersionCheck } from "./version";

export function doctorChecks(outputs: DoctorOutputs, context: AccessContext = {}): DoctorCheck[] {
  return [
    ldmAccessCheck(outputs, context),
    ldmBannerCheck(outputs),
    parseableVersionCheck(outputs),
    controlDomainCheck(outputs),
    domainFlagsCheck(outputs),
    recordFieldOrderCheck(outputs),
    classValuesCheck(outputs),
    vfNameLocationCheck(outputs),
    vfPropertyKeysCheck(outputs),
    newKeysCheck(outputs),
    migrationStatusCheck(outputs),
    ...guestLayoutChecks(outputs),
  ];
}
