async function waitForReply(socket, ms) {
  const reply = once(socket, 'message');
  const t = setTimeout(() => socket.emit('error', new Error('timed out')), ms);
  try {
    const [message] = await reply;
    return message;
  } finally {
    if (t) clearTimeout(t);
  }
}
