#!/usr/bin/env node
"use strict";

async function main() {
  throw new Error("boom");
}

main();
