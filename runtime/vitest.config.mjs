// Vitest runs only the leak probe's vitest example (the node:test suites cover everything else).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.vitest.mjs'],
    testTimeout: 5000,
  },
});
