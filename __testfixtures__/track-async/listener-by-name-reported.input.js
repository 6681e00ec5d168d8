class EmbeddedDb {
  async initAfterStarted() {
    await this.connection.execute('CREATE DATABASE IF NOT EXISTS app');
    this.started = true;
  }

  start(child) {
    const handler = (data) => {
      if (data.toString().includes('ready for connections')) {
        this.initAfterStarted();
      }
    };
    child.stdout.on('data', handler);
  }

  kick() {
    const later = () => {
      this.initAfterStarted();
    };
    later();
  }
}

module.exports = { EmbeddedDb };
