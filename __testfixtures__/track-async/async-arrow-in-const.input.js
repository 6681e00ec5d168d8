import { cache } from './cache';

const flushCache = async () => {
  await cache.flush();
};

const warmUp = async function warm() {
  await cache.load();
};

export function onDeploy() {
  flushCache();
  warmUp();
}
