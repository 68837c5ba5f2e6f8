/**
 * Reading a plan document back: the engine's entry point. A hand-edited, truncated or foreign
 * file fails here with the JSON path of the problem, never later as a crash.
 */
import { readFileSync } from "node:fs";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { ValidationError } from "./errors";
import { packageFile } from "./package-files";
import { PLAN_FORMAT_VERSION, type DesiredVf, type PlanDocument } from "./plan-document";

let validator: ValidateFunction | undefined;

/**
 * The schema is read from the package root (`schema/` is shipped as it is), not imported: an
 * import would make the compiler copy it under `dist/`, a folder the package does not ship.
 */
function compiled(): ValidateFunction {
  if (validator) return validator;
  const schema = JSON.parse(readFileSync(packageFile("schema", "ldoms-plan.schema.json"), "utf8")) as object;
  validator = new Ajv({ allErrors: true, strict: false, discriminator: true }).compile(schema);
  return validator;
}

/** `$.hosts[0].steps[2].argv` from ajv's `/hosts/0/steps/2/argv`. */
function jsonPath(instancePath: string): string {
  return `$${instancePath.split("/").slice(1).map((part) => {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    return /^\d+$/.test(key) ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }).join("")}`;
}

function describe(error: ErrorObject): string {
  const at = jsonPath(error.instancePath);
  switch (error.keyword) {
    case "additionalProperties":
      return `${at}: unknown property "${String(error.params["additionalProperty"])}"`;
    case "required":
      return `${at}: missing property "${String(error.params["missingProperty"])}"`;
    case "enum":
      return `${at}: must be one of ${(error.params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "const":
      return `${at}: must be ${JSON.stringify(error.params["allowedValue"])}`;
    default:
      return `${at}: ${error.message ?? error.keyword}`;
  }
}

/**
 * The problems worth showing: a failed `oneOf` reports every branch; the errors at the deepest
 * path are the ones that point at the actual mistake.
 */
function problemsOf(errors: readonly ErrorObject[]): string[] {
  const depth = (e: ErrorObject) => e.instancePath.split("/").length;
  const deepest = Math.max(...errors.map(depth));
  const focused = errors.filter((e) => e.keyword !== "oneOf" && (depth(e) === deepest || !errors.some((o) => o !== e && o.instancePath.startsWith(`${e.instancePath}/`))));
  return [...new Set((focused.length ? focused : errors).map(describe))].slice(0, 10);
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
  const validate = compiled();
  if (!validate(value)) {
    throw new ValidationError(`${source} is not a valid plan document (formatVersion ${PLAN_FORMAT_VERSION}):`, problemsOf(validate.errors ?? []));
  }
  const document = value as PlanDocument;
  const located = vfsWithoutOneLocation(document);
  if (located.length) throw new ValidationError(`${source} is not a valid plan document (formatVersion ${PLAN_FORMAT_VERSION}):`, located);
  return document;
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
