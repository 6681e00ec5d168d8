export function SaveButton({ save, onDone }) {
  async function handleClick() {
    const spinner = setTimeout(() => onDone('still saving...'), 500);
    try {
      const ok = await save();
      onDone(ok ? 'saved' : 'failed');
    } finally {
      clearTimeout(spinner);
    }
  }
  return <button onClick={handleClick}>Save</button>;
}
