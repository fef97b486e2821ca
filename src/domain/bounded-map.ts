/**
 * A Map that keeps at most `max` entries: setting a key makes it the newest, and the oldest goes
 * once there are more. For what a process remembers only to recognise a recent answer again
 * (ZStack's submitted jobs and their successors), so that it cannot grow with uptime.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.max) super.delete(this.keys().next().value as K);
    return this;
  }
}
