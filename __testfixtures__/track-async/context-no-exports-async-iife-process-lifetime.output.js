'use strict';

const { readFile, writeFile } = require('fs').promises;

(async () => {
  const contents = await readFile('./config', 'utf8');
  await writeFile('./config', contents.trim());
})();
