async function pipeUpload(req, fs, path) {
  const out = fs.createWriteStream(path);
  req.on('data', (chunk) => out.write(chunk));
  await new Promise((resolve) => req.once('end', resolve));
  out.close();
}
