'use strict';
const fsp = require('fs/promises');
const { promises: fsPromises } = require('fs');

function cleanUp(dir) {
  fsp.rm(dir, { recursive: true, force: true });
  fsPromises.mkdir(dir);
  require('node:fs/promises').writeFile(`${dir}/.keep`, '');
}

module.exports = { cleanUp };
