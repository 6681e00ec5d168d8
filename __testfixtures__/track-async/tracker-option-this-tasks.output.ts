import { TaskGroup } from '@leakfix/runtime';

export class Session {
  private readonly tasks = new TaskGroup();

  async persist(): Promise<void> {}

  touch(): void {
    this.tasks.track(this.persist(), 'Session.persist');
    const later = () => {
      this.tasks.track(this.persist(), 'Session.persist#2');
    };
    later();
  }
}

async function orphan(): Promise<void> {}
orphan();
