import { test } from 'node:test';
import { track } from '@leakfix/runtime';

async function setup() {}
async function after() {}

export function boot() {
  track(setup(), 'boot:setup');
  track(after(), 'boot:after');
}

test('framework call stays as is', async () => {});
