/**
 * One validator for the JSON files a user writes (the inventory, the lab definition): each is
 * checked against its shipped schema (`schema/*.schema.json`, generated from the TypeScript types
 * by `npm run schemas`), and every ajv error becomes one line naming the JSON path, the bad value,
 * what is allowed and the fix. The caller names the file in its message. ajv is imported here only
 * (scripts/check-layers.mjs).
 *
 * Besides the standard keywords, the schemas carry `title` (what a value is, in words: "a MAC
 * address") and the custom annotation `fix` (how to write it), both from JSDoc tags on the types.
 */
import { readFileSync } from "node:fs";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { packageFile } from "./package-files";

/** A schema node as the messages read it. */
interface SchemaNode {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly title?: string;
  readonly fix?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly definitions?: Readonly<Record<string, SchemaNode>>;
}

interface Compiled {
  readonly schema: SchemaNode;
  readonly validate: ValidateFunction;
}

const compiled = new Map<string, Compiled>();

/**
 * The schema is read from the package root (`schema/` is shipped as it is), not imported: an
 * import would make the compiler copy it under `dist/`, a folder the package does not ship.
 */
function compile(schemaFile: string, fillDefaults: boolean): Compiled {
  const key = `${schemaFile}\0${fillDefaults}`;
  const known = compiled.get(key);
  if (known) return known;
  const schema = JSON.parse(readFileSync(packageFile("schema", schemaFile), "utf8")) as SchemaNode;
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, useDefaults: fillDefaults });
  ajv.addKeyword("fix");
  const entry = { schema, validate: ajv.compile(schema) };
  compiled.set(key, entry);
  return entry;
}

export type SchemaCheck<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Checks a value parsed from JSON against `schema/<schemaFile>`. With `fillDefaults`, the value
 * returned is a copy with every absent key that has a `default` in the schema filled in (the
 * input is not changed). Problems are in schema order, one line each: `$.a.b[0]: ...`.
 */
export function checkAgainstSchema<T>(schemaFile: string, value: unknown, options: { fillDefaults?: boolean } = {}): SchemaCheck<T> {
  const { schema, validate } = compile(schemaFile, options.fillDefaults ?? false);
  const copy = options.fillDefaults ? structuredClone(value) : value;
  if (validate(copy)) return { ok: true, value: copy as T };
  return { ok: false, problems: problemsOf(validate.errors ?? [], schema) };
}

/** Compiles the validator of `schema/<schemaFile>` now rather than at its first check (a server, while it waits). */
export function prepareSchemaCheck(schemaFile: string, options: { fillDefaults?: boolean } = {}): void {
  compile(schemaFile, options.fillDefaults ?? false);
}

/** `$.hosts["t7-a"].vfs[2]` from ajv's `/hosts/t7-a/vfs/2`. */
export function jsonPath(instancePath: string): string {
  return `$${instancePath.split("/").slice(1).map((part) => {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    return /^\d+$/.test(key) ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }).join("")}`;
}

/** Edit distance of two words, case ignored (a `hostkey` is one step from `hostKey`, not two). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[y.length]!;
}

/** The known word closest to `word`, when it is close enough to be a typo. */
export function closestWord(word: string, known: readonly string[]): string | undefined {
  let best: { word: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(word, k);
    if (!best || d < best.d) best = { word: k, d };
  }
  return best && best.d <= Math.max(1, Math.floor(best.word.length / 3)) ? best.word : undefined;
}

/** A value as a message shows it: JSON, shortened; `nothing` for an absent one. */
function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `"a", "b" or "c"`. */
function alternatives(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  return shown.length > 1 ? `${shown.slice(0, -1).join(", ")} or ${shown[shown.length - 1]}` : shown.join("");
}

function resolve(node: SchemaNode | undefined, root: SchemaNode): SchemaNode | undefined {
  let current = node;
  for (let hops = 0; current?.$ref?.startsWith("#/definitions/") && hops < 20; hops++) {
    current = root.definitions?.[current.$ref.slice("#/definitions/".length)];
  }
  return current;
}

function numberWords(type: "integer" | "number", node: SchemaNode): string {
  const noun = type === "integer" ? "an integer" : "a number";
  const { minimum: min, maximum: max } = node;
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  if (min !== undefined) return `${noun} of at least ${min}`;
  if (max !== undefined) return `${noun} of at most ${max}`;
  return noun;
}

/** What the node allows, in words: its title, its values, or its type(s) with their bounds. */
function allowed(node: SchemaNode): string {
  if (node.title) return node.title;
  if (node.enum) return alternatives(node.enum);
  if (node.const !== undefined) return JSON.stringify(node.const);
  const types = node.type === undefined ? [] : typeof node.type === "string" ? [node.type] : node.type;
  const words = types.map((type) => {
    switch (type) {
      case "integer":
      case "number":
        return numberWords(type, node);
      case "string":
        return node.minLength ? "a non-empty string" : "a string";
      case "boolean":
        return "true or false";
      case "object":
        return "an object";
      case "array":
        return "an array";
      default:
        return type;
    }
  });
  return words.join(" or ") || "a valid value";
}

function fixOf(node: SchemaNode): string {
  return node.fix ? `; ${node.fix}` : "";
}

function describe(error: ErrorObject, root: SchemaNode): string {
  const at = jsonPath(error.instancePath);
  const node = (error.parentSchema ?? {}) as SchemaNode;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(error.params["additionalProperty"]);
      const known = Object.keys(node.properties ?? {});
      const near = closestWord(key, known);
      return `${at}: unknown key ${JSON.stringify(key)}; ${near ? `did you mean ${JSON.stringify(near)}?` : "remove it"} (known keys: ${known.join(", ")})`;
    }
    case "required": {
      const key = String(error.params["missingProperty"]);
      const property = node.properties?.[key];
      const what = resolve(property, root)?.title ?? property?.description?.replace(/\.$/, "");
      return `${at}: missing required key ${JSON.stringify(key)}; add ${JSON.stringify(key)}${what ? ` (${what})` : ""}`;
    }
    case "pattern":
    case "minLength":
    case "maxLength":
    case "format":
      if (node.title) return `${at}: ${show(error.data)} is not ${node.title}${fixOf(node)}`;
      return `${at}: expected ${allowed(node)}${error.keyword === "pattern" ? ` matching ${String(error.schema)}` : ""}, got ${show(error.data)}${fixOf(node)}`;
    case "minItems":
    case "maxItems": {
      const n = Number(error.schema);
      return `${at}: expected ${error.keyword === "minItems" ? "at least" : "at most"} ${n} item${n === 1 ? "" : "s"}, got ${show(error.data)}${fixOf(node)}`;
    }
    case "type":
    case "enum":
    case "const":
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `${at}: expected ${allowed(node)}, got ${show(error.data)}${fixOf(node)}`;
    default:
      return `${at}: ${error.message ?? error.keyword}, got ${show(error.data)}${fixOf(node)}`;
  }
}

/**
 * The problems worth showing: a failed `anyOf`/`oneOf` also reports each branch, and the
 * branches' errors are the ones that point at the mistake; duplicates are shown once.
 */
function problemsOf(errors: readonly ErrorObject[], root: SchemaNode): string[] {
  const composite = new Set(["anyOf", "oneOf", "if"]);
  const focused = errors.filter((e) => !composite.has(e.keyword));
  return [...new Set((focused.length ? focused : errors).map((e) => describe(e, root)))];
}
