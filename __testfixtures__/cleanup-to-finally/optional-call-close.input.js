async function readConfig(openFile) {
  const handle = await openFile('config.json');
  const text = await handle?.readFile('utf8');
  if (!text) {
    handle?.close();
    return {};
  }
  handle?.close();
  return JSON.parse(text);
}
