export async function print(stream: AsyncIterable<{ type: string; text?: string }>, out: (s: string) => void): Promise<string> {
  let text = '';
  for await (const event of stream) {
    switch (event.type) {
      case 'delta':
        text += event.text ?? '';
        out(event.text ?? '');
        break;
      case 'finish':
        out('\n');
        break;
    }
  }
  return text;
}
