/**
 * Terraform's DynamicValue: a value of the schema's type as MessagePack (what Terraform sends
 * and expects) or JSON (only in stored state being upgraded). Null is MessagePack nil; a value
 * not known until apply is extension type 0 (12 when Terraform adds refinements, such as "not
 * null"); objects and maps are maps with string keys; lists, sets and tuples are arrays.
 */
import { decode, encode, ExtensionCodec } from "@msgpack/msgpack";

/** A value Terraform will only know after apply. */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

export type TerraformValue = null | Unknown | string | number | boolean | readonly TerraformValue[] | { readonly [key: string]: TerraformValue };

export interface DynamicValueMessage {
  readonly msgpack?: Uint8Array;
  readonly json?: Uint8Array;
}

const UNKNOWN_EXT = 0;
const REFINED_UNKNOWN_EXT = 12;

const codec = new ExtensionCodec();
codec.register({
  type: UNKNOWN_EXT,
  encode: (value: unknown) => (value === UNKNOWN ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});
// Refinements narrow what the value may become; it is still unknown here.
codec.register({ type: REFINED_UNKNOWN_EXT, encode: () => null, decode: () => UNKNOWN });

/** The value as Terraform reads it: MessagePack. */
export function encodeDynamicValue(value: TerraformValue): { msgpack: Uint8Array } {
  return { msgpack: encode(value, { extensionCodec: codec, ignoreUndefined: false }) };
}

/** A DynamicValue read: MessagePack when present, else JSON; nothing at all is null. */
export function decodeDynamicValue(message: DynamicValueMessage | null | undefined): TerraformValue {
  if (message?.msgpack && message.msgpack.length > 0) return decode(message.msgpack, { extensionCodec: codec }) as TerraformValue;
  if (message?.json && message.json.length > 0) return JSON.parse(Buffer.from(message.json).toString("utf8")) as TerraformValue;
  return null;
}

/** True when the value or anything inside it is unknown. */
export function containsUnknown(value: TerraformValue): boolean {
  if (value === UNKNOWN) return true;
  if (value === null || typeof value !== "object") return false;
  return (Array.isArray(value) ? (value as readonly TerraformValue[]) : Object.values(value)).some(containsUnknown);
}

/** An object attribute; a missing attribute reads as null. */
export function attribute(value: TerraformValue, name: string): TerraformValue {
  if (value === null || value === UNKNOWN || typeof value !== "object" || Array.isArray(value)) return null;
  return (value as { readonly [key: string]: TerraformValue })[name] ?? null;
}
