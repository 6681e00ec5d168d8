async function load() {}

export function start() {
  void load();
  void fetch('/ping');
  void (async () => {
    await load();
  })();
}
