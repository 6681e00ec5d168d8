async function withWatchdog(task, ms) {
  const watchdog = setTimeout(() => {
    console.error('task is taking too long');
  }, ms);
  const result = await task();
  await audit(result);
  clearTimeout(watchdog);
  return result;
}
