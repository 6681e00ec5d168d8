async function* readLines(fs, path) {
  const handle = await fs.open(path);
  for await (const line of handle.readLines()) {
    if (line === '') continue;
    yield line;
  }
  await handle.close();
}
