import { TaskGroup } from '@leakfix/runtime';

export class Session {
  private readonly tasks = new TaskGroup();

  async persist(): Promise<void> {}

  touch(): void {
    this.persist();
    const later = () => {
      this.persist();
    };
    later();
  }
}

async function orphan(): Promise<void> {}
orphan();
