async function writeReport(fs, path, lines) {
  const out = fs.createWriteStream(path);
  try {
    for (const line of lines) {
      await write(out, `${line}\n`);
    }
    return lines.length;
  } finally {
    out.end();
  }
}
