// The author wrote a catch for this failure, but the call is not awaited, so the catch never runs.
// `await` is the fix they meant; only they can say the handler may wait for it.

import { track } from '@leakfix/runtime';

async function save(record) {
  if (!record) throw new Error('nothing to save');
}

export async function onSubmit(record) {
  try {
    save(record);
  } catch (error) {
    console.error('save failed', error);
  }
}

// In the catch block, or in a plain function's try, no await was meant: tracked.
export async function onRetry(record) {
  try {
    await save(record);
  } catch (error) {
    track(save(null), 'onRetry:save');
  }
}

export function onClick(record) {
  try {
    track(save(record), 'onClick:save');
  } catch (error) {
    console.error(error);
  }
}

// `await [a(), b()]` would wait for neither: an array is tracked as one Promise.all.
export async function onBatch(records) {
  try {
    track(Promise.all([save(records[0]), save(records[1])]), 'onBatch:save');
  } catch (error) {
    console.error(error);
  }
}

// A chain that ends the process keeps its own, more precise reason.
export async function main(record) {
  try {
    save(record).then(() => process.exit(0));
  } catch (error) {
    console.error(error);
  }
}
