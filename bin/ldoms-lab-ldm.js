#!/usr/bin/env node
"use strict";
// main() reports its own errors and ends the process with their exit code.
void require("../dist/src/lab-serving/standalone/main.js").main(process.argv.slice(2));
