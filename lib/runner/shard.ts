/**
 * `--shard i/n`: a deterministic split of the file list by a hash of each path, so CI matrix jobs
 * can share a monorepo. Every file lands in exactly one shard, whatever the machine or file order.
 */
import { UsageError } from './errors';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new UsageError(`--shard must look like i/n (for example 1/4), got "${text}"`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index < 1 || index > count) throw new UsageError(`--shard ${text}: need 1 <= i <= n`);
  return { index, count };
}

/**
 * FNV-1a, 32 bits, then murmur3's finaliser: stable across platforms and Node versions. FNV-1a's low
 * bits alone are poor (its lowest bit is the parity of the odd characters, so `src/m1/f1.js`,
 * `src/m2/f2.js`, ... all fell into two of four shards); the finaliser mixes every bit into them.
 */
export function pathHash(filePath: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < filePath.length; i++) {
    hash ^= filePath.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

export function inShard(filePath: string, shard: Shard): boolean {
  return pathHash(filePath) % shard.count === shard.index - 1;
}
