async function withWatchdog(task, ms) {
  const watchdog = setTimeout(() => {
    console.error('task is taking too long');
  }, ms);
  try {
    const result = await task();
    await audit(result);
    return result;
  } finally {
    clearTimeout(watchdog);
  }
}
