import { test } from 'node:test';

async function setup() {}
async function after() {}

export function boot() {
  setup();
  after();
}

test('framework call stays as is', async () => {});
