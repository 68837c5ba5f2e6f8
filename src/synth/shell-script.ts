/**
 * Plan document -> one POSIX sh script per host: the same guarded steps an admin can read and
 * run on the control domain. Every literal argument is single-quoted; the only expansions are
 * the script's own variables, always double-quoted. Valid for sh, bash and ksh93.
 */
import { LIST_IO_VF_NAME_KEY } from "../ldm/assumptions";
import { shellQuote } from "../ldm/quote";
import type { Condition, HostPlan, Operand, PlanDocument, Step } from "../model";

const q = shellQuote;
/** The quoted list-io key of a VF's name; a fleet's scripts use it hundreds of thousands of times. */
const NAME_KEY = q(LIST_IO_VF_NAME_KEY);

function usesVswitchCondition(condition: Condition): boolean {
  switch (condition.kind) {
    case "vswitch-exists": return true;
    case "not": return usesVswitchCondition(condition.condition);
    case "all": case "any": return condition.conditions.some(usesVswitchCondition);
    case "vf-exists": case "vf-pseudonym-named": case "vf-assigned": case "vf-unassigned": case "vf-property":
    case "vnet-exists": case "vnet-property":
      return false;
  }
}

/** A Condition as a sh command list whose exit status is its truth, over the last listing. */
export function conditionToShell(condition: Condition): string {
  switch (condition.kind) {
    case "vf-exists":
      return `[ -n "$(ldoms_vf_field ${NAME_KEY} ${q(condition.name)} 'alias')" ]`;
    case "vf-pseudonym-named":
      return `[ "$(ldoms_vf_field 'alias' ${q(condition.vf)} ${NAME_KEY})" = ${q(condition.name)} ]`;
    case "vf-assigned":
      return `[ "$(ldoms_vf_field ${NAME_KEY} ${q(condition.name)} 'domain')" = ${q(condition.domain)} ]`;
    case "vf-unassigned":
      return `{ [ -n "$(ldoms_vf_field ${NAME_KEY} ${q(condition.name)} 'alias')" ] && [ -z "$(ldoms_vf_field ${NAME_KEY} ${q(condition.name)} 'domain')" ]; }`;
    case "vf-property":
      return `[ "$(ldoms_vf_field ${NAME_KEY} ${q(condition.name)} ${q(condition.property)})" = ${q(condition.value)} ]`;
    case "vnet-exists":
      return `[ -n "$(ldoms_vnet_line ${q(condition.domain)} ${q(condition.ifName)})" ]`;
    case "vnet-property":
      return condition.property === "vswitch"
        ? `[ "$(ldoms_vnet_switch ${q(condition.domain)} ${q(condition.ifName)})" = ${q(condition.value)} ]`
        : `[ "$(ldoms_vnet_field ${q(condition.domain)} ${q(condition.ifName)} ${q(condition.property)})" = ${q(condition.value)} ]`;
    case "vswitch-exists":
      return `ldoms_vswitch_exists ${q(condition.name)}`;
    case "not":
      return `! { ${conditionToShell(condition.condition)}; }`;
    case "all":
      return `{ ${condition.conditions.map(conditionToShell).join(" && ")}; }`;
    case "any":
      return `{ ${condition.conditions.map(conditionToShell).join(" || ")}; }`;
  }
}

function operandToShell(operand: Operand, refVariables: Map<string, string>): string {
  if (typeof operand === "string") return q(operand);
  return `"$${refVariables.get(operand.name)}"`;
}

/** Comment text on one line: the plan's strings are validated, but a comment must never end early. */
function comment(text: string): string {
  return text.replace(/[\r\n]/g, " ");
}

function stepToShell(step: Step, index: number): string {
  const lines: string[] = [];
  const refs = new Map<string, string>();
  for (const operand of step.argv) {
    if (typeof operand !== "string" && !refs.has(operand.name)) refs.set(operand.name, `ldoms_ref${refs.size + 1}`);
  }
  lines.push(`# step ${index + 1}: ${comment(step.id)}`);
  lines.push(`if ${conditionToShell(step.guard)}; then`);
  if (step.disruption === "needs-domain-stopped" && step.domain !== undefined) {
    lines.push(`  ldoms_require_stopped ${q(step.domain)} ${q(step.summary)}`);
  }
  for (const [name, variable] of refs) {
    lines.push(`  ${variable}=$(ldoms_vf_field ${NAME_KEY} ${q(name)} 'alias')`);
    lines.push(`  [ -n "$${variable}" ] || ldoms_fail ${q(`VF "${name}" is not on this machine; an earlier step should have created or named it`)}`);
  }
  lines.push(`  ldoms_say ${q(`+ ${step.summary}`)}`);
  lines.push(`  ldoms_ldm ${step.argv.map((o) => operandToShell(o, refs)).join(" ")}`);
  // Re-read right after every change, so the next guard and this postcondition see the new state.
  lines.push(step.kind === "create-vf" ? `  ldoms_wait_settled ${q(step.object.vf)}` : "  ldoms_refresh");
  lines.push(`  if ! { ${conditionToShell(step.postcondition)}; }; then`);
  lines.push(`    ldoms_fail ${q(`after "${step.summary}" the re-read does not show the expected state (step ${step.id})`)}`);
  lines.push("  fi");
  lines.push("else");
  lines.push(`  ldoms_say ${q(`= ${step.summary} (already done)`)}`);
  lines.push("fi");
  return lines.join("\n");
}

function ldmInvocation(host: HostPlan): string {
  return host.connection.pfexec ? `'pfexec' ${q(host.connection.ldmPath)}` : q(host.connection.ldmPath);
}

/** The script for one host of the plan. */
export function renderHostScript(plan: PlanDocument, host: HostPlan): string {
  const needsServices = host.steps.some((s) => usesVswitchCondition(s.guard) || usesVswitchCondition(s.postcondition));
  const header = `#!/bin/sh
# ldoms: steps of stack ${comment(plan.stack)} for control domain ${comment(host.id)} (written by \`ldoms synth\`).
# Run it on the control domain. Every step first re-reads \`ldm\` and runs only when it is still
# needed, so running the script again changes nothing. A step that needs a domain stopped is
# refused while that domain is active.
set -eu
# Solaris keeps the POSIX versions of grep, sed and tr in /usr/xpg4/bin.
if [ -d /usr/xpg4/bin ]; then PATH=/usr/xpg4/bin:$PATH; export PATH; fi

ldoms_ldm() {
  ${ldmInvocation(host)} "$@"
}

ldoms_say() {
  printf '%s\\n' "$1"
}

ldoms_fail() {
  printf 'ldoms: %s\\n' "$1" >&2
  exit 1
}

# Reads the listings the guards look at: once at the start, then after every change.
ldoms_refresh() {
  LDOMS_IO=$(ldoms_ldm list-io -l -p) || ldoms_fail 'ldm list-io -l -p failed'
  LDOMS_DOMAINS=$(ldoms_ldm list -l -p) || ldoms_fail 'ldm list -l -p failed'${needsServices ? `
  LDOMS_SERVICES=$(ldoms_ldm list-services -p) || ldoms_fail 'ldm list-services -p failed'` : ""}
}

# ldoms_vf_field KEY VALUE FIELD: FIELD of the first VF whose KEY is VALUE (empty if none).
# A device starts on a line holding type=; its properties may be on that line or on the
# following |key=value lines, up to the next device (the first value of a key counts).
ldoms_vf_field() {
  printf '%s\\n' "$LDOMS_IO" | LDOMS_KEY=$1 LDOMS_VALUE=$2 LDOMS_FIELD=$3 awk -F'|' '
    function ldoms_check() {
      if (!found && started && rec["type"] == "VF" && (ENVIRON["LDOMS_KEY"] in rec) && rec[ENVIRON["LDOMS_KEY"]] == ENVIRON["LDOMS_VALUE"]) {
        found = 1
        if (ENVIRON["LDOMS_FIELD"] in rec) print rec[ENVIRON["LDOMS_FIELD"]]
      }
    }
    {
      device = 0
      for (i = 1; i <= NF; i++) if (index($i, "type=") == 1) device = 1
      if (device) { ldoms_check(); split("", rec); started = 1 }
      if (!started) next
      for (i = 1; i <= NF; i++) {
        eq = index($i, "=")
        if (eq > 1 && !(substr($i, 1, eq - 1) in rec)) rec[substr($i, 1, eq - 1)] = substr($i, eq + 1)
      }
    }
    END { ldoms_check() }'
}

# ldoms_vnet_line DOMAIN IFNAME: the VNET record of IFNAME under DOMAIN (empty if none).
ldoms_vnet_line() {
  printf '%s\\n' "$LDOMS_DOMAINS" | {
    ldoms_domain=''
    ldoms_type=''
    while IFS= read -r ldoms_line; do
      case $ldoms_line in
        DOMAIN\\|*)
          ldoms_type=DOMAIN
          ldoms_domain=$(printf '%s|\\n' "$ldoms_line" | tr '|' '\\n' | sed -n 's/^name=//p' | sed -n '1p')
          continue ;;
        \\|*) ;;
        *) ldoms_type=\${ldoms_line%%[|]*} ;;
      esac
      if [ "$ldoms_domain" = "$1" ] && { [ "$ldoms_type" = VNET ] || [ "$ldoms_type" = NETWORK ]; }; then
        case "$ldoms_line|" in
          *"|name=$2|"*) printf '%s\\n' "$ldoms_line"; break ;;
        esac
      fi
    done
  }
}

# ldoms_vnet_field DOMAIN IFNAME FIELD
ldoms_vnet_field() {
  ldoms_vnet_line "$1" "$2" | sed 's/$/|/' | tr '|' '\\n' | sed -n "s/^$3=//p" | sed -n '1p'
}

# ldoms_vnet_switch DOMAIN IFNAME: the switch name of the vnet's service (NAME@DOMAIN).
ldoms_vnet_switch() {
  ldoms_vnet_field "$1" "$2" service | sed 's/@.*//'
}
${needsServices ? `
ldoms_vswitch_exists() {
  printf '%s\\n' "$LDOMS_SERVICES" | sed 's/$/|/' | grep -F -e "VSW|name=$1|" >/dev/null
}
` : ""}
# ldoms_require_stopped DOMAIN SUMMARY: refuses a change that needs DOMAIN inactive or bound.
ldoms_require_stopped() {
  ldoms_state=$(printf '%s\\n' "$LDOMS_DOMAINS" | sed 's/$/|/' | grep -F -e "DOMAIN|name=$1|" | sed -n '1p' | tr '|' '\\n' | sed -n 's/^state=//p' | sed -n '1p')
  if [ "$ldoms_state" = active ]; then
    ldoms_fail "$2: domain $1 is active; this change needs it inactive or bound (ldm stop-domain $1), then run this script again"
  fi
}

# ldoms_wait_settled NAME: waits while a new VF shows INV (the root domain re-probes it).
ldoms_wait_settled() {
  ldoms_tries=0
  while :; do
    ldoms_refresh
    [ "$(ldoms_vf_field ${NAME_KEY} "$1" status)" = INV ] || return 0
    ldoms_tries=$((ldoms_tries + 1))
    [ "$ldoms_tries" -lt 60 ] || ldoms_fail "VF $1 still shows INV after 5 minutes; check the PF with ldm list-io"
    sleep 5
  done
}
`;
  const body = host.steps.length
    ? host.steps.map(stepToShell).join("\n\n")
    : "ldoms_say 'nothing to do on this control domain'";
  return `${header}\nldoms_refresh\n\n${body}\n\nldoms_say ${q(`${host.id}: done`)}\n`;
}
