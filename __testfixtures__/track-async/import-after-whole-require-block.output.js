'use strict';

require('dotenv').config();
const nconf = require('nconf');
const cookieParser = require('cookie-parser')(nconf.get('secret'));
const version = require('../package.json').version;
require('./polyfills');
const db = require('./db');
const { track } = require('@leakfix/runtime');

const started = Date.now();

async function save(record) {
  await db.insert(record, { version, started });
}

function onRecord(record) {
  track(save(record), 'onRecord:save');
}

module.exports = { onRecord, cookieParser };
