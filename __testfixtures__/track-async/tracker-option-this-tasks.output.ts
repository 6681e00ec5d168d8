import { TaskGroup } from '@leakfix/runtime';

export class Session {
  private readonly tasks = new TaskGroup();

  async persist(): Promise<void> {}

  touch(): void {
    this.tasks.track(this.persist(), 'this.persist');
    const later = () => {
      this.tasks.track(this.persist(), 'this.persist');
    };
    later();
  }
}

async function orphan(): Promise<void> {}
orphan();
