/**
 * Reading a plan document back: the engine's entry point. A hand-edited, truncated or foreign
 * file fails here with the JSON path of the problem, never later as a crash.
 */
import { readFileSync } from "node:fs";
import { ValidationError } from "./errors";
import { PLAN_FORMAT_VERSION, type DesiredVf, type PlanDocument } from "./plan-document";
import { checkAgainstSchema, prepareSchemaCheck } from "./schema-validation";

const PLAN_SCHEMA = "ldoms-plan.schema.json";

/** Compiles the plan document's schema check ahead of the first document (a served provider, while Terraform starts). */
export function preparePlanDocumentCheck(): void {
  prepareSchemaCheck(PLAN_SCHEMA);
}

/**
 * Parses and validates a plan document; `source` names it in messages (a file path, "stdin").
 * Accepts the JSON text, or a value already parsed from JSON (a plan embedded in another file).
 */
export function parsePlanDocument(text: string | unknown, source: string): PlanDocument {
  if (typeof text !== "string") return validatePlanDocument(text, source);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${source} is not a plan document: it is not valid JSON (${(error as Error).message}); synthesize it again with \`ldoms synth\``);
  }
  return validatePlanDocument(value, source);
}

/** Why a document of another formatVersion is refused, and what to do. */
function versionProblem(source: string, version: unknown): string {
  if (version === undefined) return `${source} is not a plan document: it has no formatVersion; synthesize it with \`ldoms synth\``;
  if (typeof version === "number" && Number.isInteger(version) && version >= 1 && version < PLAN_FORMAT_VERSION) {
    // The plan is derived from the stack, so synthesizing again loses nothing.
    return `${source} has plan formatVersion ${version}, written by an older ldoms; this ldoms reads formatVersion ${PLAN_FORMAT_VERSION} (its steps name the object they act on and the listing that proves them). Synthesize the plan again (\`ldoms synth\`, or \`cdktf synth\`): it is made from your stack, nothing is lost`;
  }
  return `${source} has plan formatVersion ${JSON.stringify(version)}, but this ldoms reads formatVersion ${PLAN_FORMAT_VERSION}; synthesize the plan again with this version (\`ldoms synth\`) or use the ldoms release that wrote it`;
}

/** Validates a value parsed from JSON against the plan document schema. */
export function validatePlanDocument(value: unknown, source: string): PlanDocument {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ValidationError(`${source} is not a plan document: expected a JSON object with formatVersion, stack, hosts and migrations`);
  }
  const version = (value as Record<string, unknown>)["formatVersion"];
  if (version !== PLAN_FORMAT_VERSION) {
    throw new ValidationError(versionProblem(source, version));
  }
  const checked = checkAgainstSchema<PlanDocument>(PLAN_SCHEMA, value);
  if (!checked.ok) throw new ValidationError(`${source} is not a valid plan document (formatVersion ${PLAN_FORMAT_VERSION}):`, checked.problems.slice(0, 10));
  const document = checked.value;
  const located = [...vfsWithoutOneLocation(document), ...destroySteps(document)];
  if (located.length) throw new ValidationError(`${source} is not a valid plan document (formatVersion ${PLAN_FORMAT_VERSION}):`, located);
  return document;
}

/**
 * `ldoms apply` destroys nothing (DESIGN §4): a destroy-vf step exists only in the Terraform
 * provider's own one-VF plans, never in a document a run reads.
 */
function destroySteps(document: PlanDocument): string[] {
  return document.hosts.flatMap((host, h) =>
    host.steps.flatMap((step, i) =>
      step.kind === "destroy-vf"
        ? [`$.hosts[${h}].steps[${i}]: a destroy-vf step (${step.summary}) is not accepted in a plan document: ldoms apply never destroys; destroy a VF by hand (ldm destroy-vf) or through the Terraform provider`]
        : [],
    ),
  );
}

/** A desired VF is created on a PF or adopts an existing VF: exactly one of `pf` and `vf`. */
function vfsWithoutOneLocation(document: PlanDocument): string[] {
  const problems: string[] = [];
  document.hosts.forEach((host, h) => {
    const check = (vf: DesiredVf, path: string) => {
      if ((vf.pf === undefined) === (vf.vf === undefined)) problems.push(`${path}: must have exactly one of "pf" (create the VF) and "vf" (adopt an existing VF)`);
    };
    host.desired.domains.forEach((domain, d) => domain.vfs.forEach((vf, i) => check(vf, `$.hosts[${h}].desired.domains[${d}].vfs[${i}]`)));
    host.desired.unassignedVfs.forEach((vf, i) => check(vf, `$.hosts[${h}].desired.unassignedVfs[${i}]`));
  });
  return problems;
}

/** Reads and validates a plan document file (`ldoms.plan.json`). */
export function loadPlanDocumentFile(path: string): PlanDocument {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ValidationError(`cannot read plan document ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; run \`ldoms synth\` first or check the path`);
  }
  return parsePlanDocument(text, path);
}
