async function load(): Promise<void> {}

function start(): void {
  load();
}
