/**
 * Format variants of the lab: each unverified choice about real `ldm` output that the engine
 * depends on (docs/lab-assumptions.md, shared/docs/ldm-evidence.md) can be switched, so the
 * engine and migration suites run on every plausible answer (docs/lab.md, "Variants"). The
 * defaults are the lab's usual output, byte for byte.
 */
import type { LabVariantsDocument } from "./definition/document";

export type VfNameLocation = "record" | "property-line" | "human-only" | "nowhere";
export type PropertyLineGrouping = "one-per-line" | "grouped";
export type DomainFlagSpelling = "words" | "letters";
export type MultiItemRecordForm = "inline" | "keyword-line";
export type ErrorTextStyle = "prefixed" | "plain";

/** Every variant with its value (a lab definition may give some or none, or a preset name). */
export interface LabVariants {
  readonly vfName: VfNameLocation;
  readonly propertyLines: PropertyLineGrouping;
  readonly domainFlags: DomainFlagSpelling;
  readonly multiItemRecords: MultiItemRecordForm;
  /** `VERSION` per canonical subcommand (`list-io`, `list-domain`, ...); absent: the lab's. */
  readonly versions: Readonly<Record<string, string>>;
  readonly errors: ErrorTextStyle;
}

/** The lab's usual output. */
export const DEFAULT_VARIANTS: LabVariants = {
  vfName: "record",
  propertyLines: "one-per-line",
  domainFlags: "words",
  multiItemRecords: "inline",
  versions: {},
  errors: "prefixed",
};

/**
 * Every non-default choice the engine can still work with. Not in it: `vfName: "human-only"`
 * and `"nowhere"`, where the engine (which reads `list-io -l -p` only) cannot see names and
 * must refuse before any change.
 */
export const ALTERNATIVE_VARIANTS: LabVariants = {
  vfName: "property-line",
  propertyLines: "grouped",
  domainFlags: "letters",
  multiItemRecords: "keyword-line",
  versions: { "list-io": "1.6", "list-domain": "1.0", "list-services": "1.6", "list-bindings": "1.6" },
  errors: "plain",
};

/** Named presets a lab definition may give as `options.variants`. */
export const VARIANT_PRESETS = { default: DEFAULT_VARIANTS, alternatives: ALTERNATIVE_VARIANTS } as const;
export type VariantPresetName = keyof typeof VARIANT_PRESETS;

/** Fills a definition's `options.variants` (absent, a preset name, or some keys) into every value. */
export function resolveVariants(doc: LabVariantsDocument | VariantPresetName | undefined): LabVariants {
  if (doc === undefined) return DEFAULT_VARIANTS;
  if (typeof doc === "string") return VARIANT_PRESETS[doc];
  return {
    vfName: doc.vfName ?? DEFAULT_VARIANTS.vfName,
    propertyLines: doc.propertyLines ?? DEFAULT_VARIANTS.propertyLines,
    domainFlags: doc.domainFlags ?? DEFAULT_VARIANTS.domainFlags,
    multiItemRecords: doc.multiItemRecords ?? DEFAULT_VARIANTS.multiItemRecords,
    versions: { ...(doc.versions ?? {}) },
    errors: doc.errors ?? DEFAULT_VARIANTS.errors,
  };
}

/** The variants of a lab state (states written before variants existed have none: the defaults). */
export function variantsOf(state: { readonly options: { readonly variants?: LabVariants } }): LabVariants {
  return state.options.variants ?? DEFAULT_VARIANTS;
}

/** Wraps text at `width` columns on spaces (a word longer than the width stays whole). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    if (current !== "" && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current === "" ? word : `${current} ${word}`;
  }
  if (current !== "") lines.push(current);
  return lines;
}

/** Columns a `plain` refusal wraps at (evidence §10: "about 64"). */
export const PLAIN_ERROR_WIDTH = 64;

/**
 * A refusal's stderr lines in the variant's style. `prefixed`: as given. `plain`: each message
 * without the word `LDom` before a domain name, the first one led by the command as typed
 * (`add-io: ...`), wrapped at PLAIN_ERROR_WIDTH columns. Usage texts stay as they are.
 */
export function styleRefusal(lines: readonly string[], typed: string, style: ErrorTextStyle, usageHeader: string): string[] {
  if (style === "prefixed" || lines[0]?.startsWith(usageHeader)) return [...lines];
  return lines.flatMap((line, i) => {
    const text = line.replace(/\bLDom (?=\S)/g, "domain ");
    return wrapText(i === 0 ? `${typed}: ${text}` : text, PLAIN_ERROR_WIDTH);
  });
}
