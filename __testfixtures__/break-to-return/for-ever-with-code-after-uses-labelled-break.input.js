async function drain(reader) {
  const chunks = [];
  for (;;) {
    const { kind, chunk } = await reader.read();
    switch (kind) {
      case 'chunk':
        chunks.push(chunk);
        break;
      case 'eof':
        break;
    }
  }
  reader.releaseLock();
  return chunks.join('');
}

module.exports = { drain };
