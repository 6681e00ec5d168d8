export function SaveButton({ save, onDone }) {
  async function handleClick() {
    const spinner = setTimeout(() => onDone('still saving...'), 500);
    const ok = await save();
    clearTimeout(spinner);
    onDone(ok ? 'saved' : 'failed');
  }
  return <button onClick={handleClick}>Save</button>;
}
