/**
 * The capture bundle `ldoms doctor` writes: one folder with `manifest.json` and, per command,
 * `<id>.stdout` and `<id>.stderr`. Every file is written to a temporary name and renamed, and
 * the manifest is written last, so an interrupted run leaves no manifest: a folder without one
 * is not a bundle. The manifest records each file's size, line count and SHA-256, so a
 * truncated or edited file is found when the bundle is read (`ldoms lab twin`).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "../../model";
import { PACKAGE_NAME, packageVersion } from "../../model/package-files";
import type { DoctorScope } from "./commands";
import type { CapturedCommand } from "./runner";

export const BUNDLE_FORMAT = "ldoms-doctor-bundle";
/** Bumped whenever the layout or the manifest changes in a way a reader must know. */
export const BUNDLE_FORMAT_VERSION = 1;
export const MANIFEST_FILE = "manifest.json";

export interface BundleFile {
  /** File name inside the bundle folder. */
  readonly file: string;
  readonly bytes: number;
  /** Number of `\n`-terminated lines (a last line without `\n` counts too). */
  readonly lines: number;
  readonly sha256: string;
}

export interface ManifestCommand {
  readonly id: string;
  readonly scope: DoctorScope;
  readonly argv: readonly string[];
  readonly commandLine: string;
  /** null: no exit status (see `error`). */
  readonly exitStatus: number | null;
  readonly durationMs: number;
  readonly stdout: BundleFile;
  readonly stderr: BundleFile;
  readonly error?: string;
}

export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  /** The host id (redacted with --redact). */
  readonly host: string;
  /** The guest domain read with --guest (redacted with --redact). */
  readonly guest?: string;
  /** ISO 8601 time the capture started. */
  readonly capturedAt: string;
  /** From the `ldm -V` banner; null when it could not be read. */
  readonly ldmVersion: string | null;
  readonly redacted: boolean;
  readonly commands: readonly ManifestCommand[];
}

/** The version in an `ldm -V` banner (`Logical Domains Manager (v 3.5.0.0)`, or `Domain`). */
export function ldmVersionOf(banner: string): string | null {
  return /Logical Domains? Manager \(v ([^)\s]+)\)/.exec(banner)?.[1] ?? null;
}

export function describeFile(file: string, content: string): BundleFile {
  const lines = content === "" ? 0 : content.split("\n").length - (content.endsWith("\n") ? 1 : 0);
  return { file, bytes: Buffer.byteLength(content), lines, sha256: createHash("sha256").update(content).digest("hex") };
}

function writeAtomically(dir: string, file: string, content: string): void {
  const temporary = join(dir, `.${file}.partial-${process.pid}`);
  writeFileSync(temporary, content);
  renameSync(temporary, join(dir, file));
}

export interface BundleHeader {
  readonly host: string;
  readonly guest?: string;
  readonly capturedAt: Date;
  readonly redacted: boolean;
}

/** The manifest of these captures (the texts are the ones written, redacted or not). */
export function bundleManifest(header: BundleHeader, captures: readonly CapturedCommand[]): BundleManifest {
  const banner = captures.find((c) => c.id === "ldm-version");
  return {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    tool: { name: PACKAGE_NAME, version: packageVersion() },
    host: header.host,
    ...(header.guest !== undefined ? { guest: header.guest } : {}),
    capturedAt: header.capturedAt.toISOString(),
    ldmVersion: banner && banner.exitStatus === 0 ? ldmVersionOf(banner.stdout) : null,
    redacted: header.redacted,
    commands: captures.map((c) => ({
      id: c.id,
      scope: c.scope,
      argv: [...c.argv],
      commandLine: c.commandLine,
      exitStatus: c.exitStatus,
      durationMs: c.durationMs,
      stdout: describeFile(`${c.id}.stdout`, c.stdout),
      stderr: describeFile(`${c.id}.stderr`, c.stderr),
      ...(c.error !== undefined ? { error: c.error } : {}),
    })),
  };
}

/** Refuses a bundle folder that holds anything (checked before the capture, and again before writing). */
export function checkBundleDir(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new ValidationError(`${dir} is not empty: give doctor a new folder with --out (a bundle is never written over another one)`);
  }
}

/**
 * Writes the bundle into `dir` (created; it must not hold anything yet): the output files
 * first, the manifest last, each through a temporary name.
 */
export function writeBundle(dir: string, header: BundleHeader, captures: readonly CapturedCommand[]): BundleManifest {
  checkBundleDir(dir);
  mkdirSync(dir, { recursive: true });
  const manifest = bundleManifest(header, captures);
  captures.forEach((c, i) => {
    const entry = manifest.commands[i]!;
    writeAtomically(dir, entry.stdout.file, c.stdout);
    writeAtomically(dir, entry.stderr.file, c.stderr);
  });
  writeAtomically(dir, MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
