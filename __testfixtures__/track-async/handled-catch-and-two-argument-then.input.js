async function load() {}

export function start(log) {
  load().catch(log);
  load().then(() => log('done'), log);
  fetch('/x').then((r) => r.json()).catch((error) => log(error));
  load().catch(log).finally(() => log('settled'));
}
