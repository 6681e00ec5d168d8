export class WorkerBootstrapper {
  private readonly shards = new Map<number, { destroy(options?: unknown): Promise<void> }>();

  protected async destroy(shardId: number, options?: unknown): Promise<void> {
    const shard = this.shards.get(shardId);
    if (!shard) {
      throw new RangeError(`Shard ${shardId} does not exist`);
    }

    await shard.destroy(options);
  }
}
