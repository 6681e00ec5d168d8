export async function firstError(next: () => Promise<{ type: string; error?: Error }>): Promise<Error> {
  const errors: Error[] = [];
  for (;;) {
    const event = await next();
    switch (event.type) {
      case 'error':
        errors.push(event.error!);
        break;
      case 'shutdown':
        break;
    }
  }
}
