async function keepAlive(socket, ms) {
  const timer = setTimeout(() => socket.destroy(), ms);
  const pong = await socket.ping();
  if (pong.late) {
    // leave the timer armed: the socket gets destroyed unless the next pong is on time
    return false;
  }
  clearTimeout(timer);
  return true;
}
