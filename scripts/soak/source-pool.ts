/**
 * Volumes and database instances a soak client backs up, one client at a time each: vendors refuse
 * a second backup of a source while one builds, and the soak is about faults, not about that rule.
 */
export class SourcePool {
  private readonly free: string[];
  private readonly waiting: ((id: string) => void)[] = [];

  constructor(ids: readonly string[]) {
    this.free = [...ids];
  }

  acquire(): Promise<string> {
    const id = this.free.shift();
    if (id !== undefined) return Promise.resolve(id);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(id: string): void {
    const next = this.waiting.shift();
    if (next) next(id);
    else this.free.push(id);
  }
}
