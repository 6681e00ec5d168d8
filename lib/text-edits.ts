/**
 * The difference between a file's text and a rewrite of it, as replacements of whole lines in the
 * original. The ESLint plugin turns them into fixes; they are small and disjoint by construction.
 */
import { diffLines } from 'diff';

export interface TextEdit {
  /** Offsets into the original text: [start, end) is replaced by `text`. */
  range: [number, number];
  text: string;
}

export function textEdits(before: string, after: string): TextEdit[] {
  const edits: TextEdit[] = [];
  let offset = 0;
  let open: TextEdit | undefined;
  for (const change of diffLines(before, after)) {
    if (!change.added && !change.removed) {
      if (open) edits.push(open);
      open = undefined;
      offset += change.value.length;
      continue;
    }
    open ??= { range: [offset, offset], text: '' };
    if (change.removed) {
      offset += change.value.length;
      open.range[1] = offset;
    } else open.text += change.value;
  }
  if (open) edits.push(open);
  return edits;
}

/** Applies edits (disjoint, any order) to `text`. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.range[0] - a.range[0])) out = out.slice(0, edit.range[0]) + edit.text + out.slice(edit.range[1]);
  return out;
}
