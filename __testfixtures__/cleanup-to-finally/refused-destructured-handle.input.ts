export class RPCRedis {
  private readonly promises = new Map<string, { resolve(value: unknown): void; timeout: ReturnType<typeof setTimeout> }>();

  protected onMessage(id: string, message: Buffer, decode: (data: Buffer) => unknown): void {
    if (id && this.promises.has(id)) {
      const { resolve, timeout } = this.promises.get(id)!;
      resolve(decode(message));
      clearTimeout(timeout);
    }
  }
}
