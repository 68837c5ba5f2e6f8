/**
 * The lab variants the end-to-end suites run on (docs/lab.md, "Variants"): the lab's usual
 * output and the "alternatives" preset. Use with `describe.each(LAB_VARIANTS)("... ($name lab)", ...)`.
 */
import type { VariantPresetName } from "../../../src/lab/variants";

export interface LabVariantCase {
  readonly name: VariantPresetName;
  /** What goes in the lab definition's `options.variants` (absent for the default). */
  readonly variants?: VariantPresetName;
}

export const LAB_VARIANTS: readonly LabVariantCase[] = [{ name: "default" }, { name: "alternatives", variants: "alternatives" }];

/** A copy of a lab definition with `options.variants` set (unchanged when `variants` is undefined). */
export function withLabVariants<T extends object>(json: T, variants: VariantPresetName | undefined): T {
  if (variants === undefined) return json;
  const copy = structuredClone(json) as T & { options?: Record<string, unknown> };
  copy.options = { ...(copy.options ?? {}), variants };
  return copy;
}
