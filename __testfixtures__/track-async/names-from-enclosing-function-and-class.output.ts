import { track } from '@leakfix/runtime';

async function loadData(): Promise<void> {}

export class UserService {
  async save(): Promise<void> {}

  update(): void {
    track(this.save(), 'UserService.save');
    track(this.save(), 'UserService.save#2');
  }
}

export function render(): void {
  track(loadData(), 'render:loadData');
  track(new Promise<void>((resolve) => setTimeout(resolve, 10)), 'render:setTimeout');
  track(Promise.all([loadData(), loadData()]), 'render:loadData#2');
}

track(loadData(), 'loadData');
