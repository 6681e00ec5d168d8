async function* readLines(fs, path) {
  const handle = await fs.open(path);
  try {
    for await (const line of handle.readLines()) {
      if (line === '') continue;
      yield line;
    }
  } finally {
    await handle.close();
  }
}
