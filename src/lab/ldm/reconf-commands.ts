/** `start-reconf`, `cancel-reconf`, `cancel-operation (migration | reconf)` (ref §3.6, §5.1, §9). */
import { LDM_ERRORS, START_RECONF_TEXT } from "../../ldm/assumptions";
import type { DomainState, MachineState } from "../state";
import { parseArgs, usageError } from "./args";
import type { LdmContext } from "./context";
import { fail } from "./failure";
import { findDomain } from "./lookup";
import { migrationRefOf, rollBackMigration } from "./migrate";

function isRootDomain(machine: MachineState, d: DomainState): boolean {
  return d.control || machine.buses.some((b) => b.domain === d.name);
}

export function startReconf(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("start-reconf", argv, { minOperands: 1, maxOperands: 1 });
  const d = findDomain(ctx.machine, args.operands[0]!);
  if (!isRootDomain(ctx.machine, d)) fail(LDM_ERRORS.notRootDomain(d.name));
  if (d.delayedReconfig) fail(LDM_ERRORS.alreadyInReconfig(d.name));
  d.delayedReconfig = true;
  const text = START_RECONF_TEXT.map((l) => (d.control ? l : l.replaceAll("primary", d.name)));
  ctx.out.push(`${text.join("\n")}\n`);
}

function cancelReconfOf(ctx: LdmContext, name: string): void {
  const d = findDomain(ctx.machine, name);
  if (!d.delayedReconfig) fail(LDM_ERRORS.notInReconfig(d.name));
  d.delayedReconfig = false;
  for (const bus of ctx.machine.buses) if (bus.domain === d.name) bus.pendingIov = undefined;
}

export function cancelReconf(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("cancel-reconf", argv, { minOperands: 1, maxOperands: 1 });
  cancelReconfOf(ctx, args.operands[0]!);
}

export function cancelOperation(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("cancel-operation", argv, { minOperands: 2, maxOperands: 2 });
  const [what, name] = args.operands as [string, string];
  if (what === "reconf") return cancelReconfOf(ctx, name);
  if (what !== "migration") throw usageError("cancel-operation");
  const d = findDomain(ctx.machine, name);
  // Cancelled from the source (ref §5.1 [V]). Rolled back here, so a migration whose `ldm`
  // process died can be cancelled too; the migrating invocation then reports the cancel.
  const ref = migrationRefOf(ctx.machine, d);
  if (!ref) fail(LDM_ERRORS.noMigration(d.name));
  rollBackMigration(ctx.state, ref, false);
}
