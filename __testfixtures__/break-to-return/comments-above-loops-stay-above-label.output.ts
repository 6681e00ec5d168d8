export function replay(q: { shift(): string; close(): void }) {
  loop: do {
    switch (q.shift()) {
      case 'quit':
        break loop;
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
    loop2: while (true) {
      switch (q.shift()) {
        case 'quit':
          break loop2;
      }
    }
    q.close();
  }
}
