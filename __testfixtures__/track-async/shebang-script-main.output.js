#!/usr/bin/env node
"use strict";

const { track } = require("@leakfix/runtime");

async function main() {
  throw new Error("boom");
}

track(main(), "main");
