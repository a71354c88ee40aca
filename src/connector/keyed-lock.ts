/**
 * Serialises tasks per key inside this process: tasks with the same key run one after another in
 * the order they arrived, tasks with different keys run in parallel. Role changes use it per user,
 * because a role grant is a read-modify-write of the whole `roles` list and two of them at once
 * would each write a list without the other's value.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `task` after every earlier task of `key` has settled. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    this.#tails.set(key, tail);
    try {
      await previous;
      return await task();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Keys with a task running or waiting (for tests: the map must not grow without bound). */
  get size(): number {
    return this.#tails.size;
  }
}
