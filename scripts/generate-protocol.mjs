#!/usr/bin/env node
// Generates proto/protocol.json, the message and service definitions of the .proto files in
// proto/ in protobufjs's JSON form. The provider loads that JSON with protobufjs's light build at
// each start: parsing the .proto text there cost about 0.1 s per start, and Terraform starts a
// provider three times per plan. Field names keep the .proto spelling (snake_case).
//
// Usage: node scripts/generate-protocol.mjs           write proto/protocol.json
//        node scripts/generate-protocol.mjs --check   exit 1 when the committed file differs
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PROTO = join(ROOT, "proto");
const OUTPUT = join(PROTO, "protocol.json");
/** Terraform's plugin protocol 6 and the go-plugin services every plugin serves. */
const FILES = ["tfplugin6.proto", "plugin/grpc_controller.proto", "plugin/grpc_stdio.proto", "plugin/grpc_broker.proto", "grpc/health/v1/health.proto"];

function generate() {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO, target);
  root.loadSync(FILES, { keepCase: true });
  root.resolveAll();
  return `${JSON.stringify(root.toJSON(), null, 1)}\n`;
}

const text = generate();
if (process.argv.includes("--check")) {
  const committed = readFileSync(OUTPUT, "utf8");
  if (committed !== text) {
    process.stderr.write("proto/protocol.json is out of date with proto/*.proto: run `npm run protocol` and commit the result\n");
    process.exit(1);
  }
} else {
  writeFileSync(OUTPUT, text);
  process.stdout.write(`wrote ${OUTPUT}\n`);
}
