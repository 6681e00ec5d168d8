class Watcher {
  watch(files) {
    const oldWatcher = this.watcher;
    this.watcher = createWatcher(files);
    this.watcher.start();
    if (oldWatcher) {
      oldWatcher.close();
    }
  }
}
