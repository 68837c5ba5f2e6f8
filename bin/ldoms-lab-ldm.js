#!/usr/bin/env node
"use strict";
require("../dist/src/lab/standalone/main.js").main(process.argv.slice(2));
