async function loadData(): Promise<void> {}

export class UserService {
  async save(): Promise<void> {}

  update(): void {
    this.save();
    this.save();
  }
}

export function render(): void {
  loadData();
  new Promise<void>((resolve) => setTimeout(resolve, 10));
  Promise.all([loadData(), loadData()]);
}

loadData();
