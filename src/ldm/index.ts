// Public surface of src/ldm: quoting, parsers of `ldm`/`ipmpstat` output, error hints.
export * from "./quote";
export * from "./parse-error";
export * from "./parse-parseable";
export * from "./parse-list-io";
