export function reportError(error) {
  fetch('https://errors.example.com/report', {
    method: 'POST',
    body: JSON.stringify({ message: error.message }),
  });
  console.error(error);
}
