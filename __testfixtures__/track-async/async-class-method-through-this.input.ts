export class Uploader {
  private queue: string[] = [];

  async send(file: string): Promise<void> {
    await fetchLike(file);
  }

  async #audit(file: string): Promise<void> {
    await fetchLike(`audit:${file}`);
  }

  enqueue(file: string): void {
    this.queue.push(file);
    this.send(file);
    this.#audit(file);
  }

  static async warm(): Promise<void> {}

  static boot(): void {
    this.warm();
  }
}

declare function fetchLike(url: string): Promise<void>;
