export function replay(q: { shift(): string; close(): void }) {
  do {
    switch (q.shift()) {
      case 'quit':
        break;
    }
  } while (true);
  q.close();
}
export class Reader {
  run(q: { shift(): string; close(): void }) {
    const x = 1;
    /**
     * Reads until quit.
     *   indented
     */
    // second
    while (true) {
      switch (q.shift()) {
        case 'quit':
          break;
      }
    }
    q.close();
  }
}
