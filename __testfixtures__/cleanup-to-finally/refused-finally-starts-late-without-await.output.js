async function checkMonitor(startContainer, MonitorType, PENDING) {
  const container = await startContainer();
  const monitor = new MonitorType();
  const heartbeat = { msg: '', status: PENDING, url: container.getConnectionUri() };
  try {
    await monitor.check(heartbeat);
    return heartbeat.status;
  } finally {
    await container.stop();
  }
}
