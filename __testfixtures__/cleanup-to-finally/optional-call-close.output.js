async function readConfig(openFile) {
  const handle = await openFile('config.json');
  try {
    const text = await handle?.readFile('utf8');
    if (!text) {
      return {};
    }
    return JSON.parse(text);
  } finally {
    handle?.close();
  }
}
