import { track } from '@leakfix/runtime';

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
    track(this.send(file), 'Uploader.send');
    track(this.#audit(file), 'Uploader.#audit');
  }

  static async warm(): Promise<void> {}

  static boot(): void {
    track(this.warm(), 'Uploader.warm');
  }
}

declare function fetchLike(url: string): Promise<void>;
