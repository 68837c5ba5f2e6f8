#!/usr/bin/env node
"use strict";
// main() reports its own errors and ends the process with their exit code.
void require("../dist/src/cli/main.js").main(process.argv.slice(2));
