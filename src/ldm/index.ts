// Public surface of src/ldm: quoting, parsers of `ldm`/`ipmpstat` output, error hints.
export * from "./quote";
export * from "./parse-error";
export * from "./parse-parseable";
export * from "./parse-list-io";
export * from "./parse-list-domains";
export * from "./parse-list-services";
export * from "./parse-ipmpstat";
export * from "./parse-created-vfs";
export * from "./list-devices";
export * from "./listing-check";
