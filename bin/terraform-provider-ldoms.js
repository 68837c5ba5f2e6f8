#!/usr/bin/env node
"use strict";
// Terraform starts this as its ldoms provider plugin; main() resolves with the exit code once
// Terraform has shut the provider down.
void require("../dist/src/provider/main.js")
  .main()
  .then((code) => process.exit(code));
