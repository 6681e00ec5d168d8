'use strict';
const fsp = require('fs/promises');
const { promises: fsPromises } = require('fs');
const { track } = require('@leakfix/runtime');

function cleanUp(dir) {
  track(fsp.rm(dir, { recursive: true, force: true }), 'cleanUp:fsp.rm');
  track(fsPromises.mkdir(dir), 'cleanUp:fsPromises.mkdir');
  track(require('node:fs/promises').writeFile(`${dir}/.keep`, ''), 'cleanUp:writeFile');
}

module.exports = { cleanUp };
