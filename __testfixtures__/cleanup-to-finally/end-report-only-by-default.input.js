async function writeReport(fs, path, lines) {
  const out = fs.createWriteStream(path);
  for (const line of lines) {
    await write(out, `${line}\n`);
  }
  out.end();
  return lines.length;
}
