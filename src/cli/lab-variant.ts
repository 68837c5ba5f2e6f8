/**
 * The demo's `--lab-variant` option: its environment default and its parser. Light (no lab, no
 * engine), so the demo's registration can describe the option without loading the demo.
 */
import { ValidationError } from "../model/errors";
import { VARIANT_PRESETS, type VariantPresetName } from "../lab/variants";

/** Environment variable naming the demo lab's variant when `--lab-variant` is not given. */
export const LAB_VARIANT_ENV = "LDOMS_LAB_VARIANT";

/** A `--lab-variant` value: a preset name, or a usage error naming the presets. */
export function labVariantOption(value: string | undefined): VariantPresetName | undefined {
  if (value === undefined || value === "") return undefined;
  if (Object.hasOwn(VARIANT_PRESETS, value)) return value as VariantPresetName;
  throw new ValidationError(`--lab-variant ${value} is not a lab variant; use one of ${Object.keys(VARIANT_PRESETS).join(", ")}`);
}
