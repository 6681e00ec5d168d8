const db = require('./db');

async function safeSave(record) {
  try {
    await db.save(record);
  } catch (error) {
    console.error('save failed', error);
  }
}

async function rethrows(record) {
  try {
    await db.save(record);
  } catch (error) {
    throw new Error('save failed', { cause: error });
  }
}

class Cache {
  async refresh() {
    try {
      await db.load();
    } catch {
      this.stale = true;
    }
  }

  touch() {
    this.refresh();
  }
}

function onSave(record) {
  safeSave(record);
  rethrows(record);
  (async () => {
    try {
      await db.ping();
    } catch {}
  })();
  (async () => {
    try {
      await db.ping();
    } catch (error) {
      await db.log(error);
    }
  })();
}

module.exports = { onSave, Cache };
