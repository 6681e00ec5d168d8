/**
 * lib/text.ts: the line-start table and the offset -> line search that the typed analysis and the
 * ESLint plugin share.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { lineIndexAt, lineStartOffsets } from '../lib/text';

describe('lineStartOffsets / lineIndexAt', () => {
  it('starts a line after each \\n, including an empty last line', () => {
    assert.deepEqual(lineStartOffsets(''), [0]);
    assert.deepEqual(lineStartOffsets('ab\ncd\r\n\nx\n'), [0, 3, 7, 8, 10]);
  });

  it('finds the line of every offset: line starts, line ends, and past the end', () => {
    const text = 'ab\ncd\r\n\nx\n';
    const starts = lineStartOffsets(text);
    const expected = [0, 0, 0, 1, 1, 1, 1, 2, 3, 3, 4];
    assert.deepEqual(
      [...Array(text.length + 1).keys()].map((offset) => lineIndexAt(starts, offset)),
      expected,
    );
    assert.equal(lineIndexAt(starts, 1000), 4);
  });

  it('works on any ascending table (one line, many lines)', () => {
    assert.equal(lineIndexAt([0], 5), 0);
    const starts = Array.from({ length: 1000 }, (_, i) => i * 10);
    for (const offset of [0, 9, 10, 11, 5555, 9990, 9999]) assert.equal(lineIndexAt(starts, offset), Math.floor(offset / 10));
  });
});
