async function waitForReply(socket, ms) {
  const reply = once(socket, 'message');
  const t = setTimeout(() => socket.emit('error', new Error('timed out')), ms);
  const [message] = await reply;
  if (t) clearTimeout(t);
  return message;
}
