import { track } from '@leakfix/runtime';

export function reportError(error) {
  track(fetch('https://errors.example.com/report', {
    method: 'POST',
    body: JSON.stringify({ message: error.message }),
  }), 'reportError:fetch');
  console.error(error);
}
