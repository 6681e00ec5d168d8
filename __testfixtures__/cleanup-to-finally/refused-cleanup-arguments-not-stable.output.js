async function session(ws) {
  const socket = await ws.connect();
  const reason = await socket.handshake();
  if (!reason.ok) {
    socket.close(reason.code);
    return false;
  }
  socket.close(reason.code);
  return true;
}
