/**
 * Runs independent actions with bounded concurrency. `next()` supplies the next action (or
 * undefined when none is ready), `run` executes one; the pool stops on the first failure, tells
 * `onFailure` (so running actions can be cancelled rather than waited for), and rethrows it once
 * every running action has settled, so no page is half-applied.
 */
export async function runPool<A>(
  concurrency: number,
  next: () => A | undefined,
  run: (action: A) => Promise<void>,
  onFailure?: (error: unknown) => void,
): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for (;;) {
    while (!failure && running.size < concurrency) {
      const action = next();
      if (action === undefined) break;
      const p: Promise<void> = run(action).then(
        () => {
          running.delete(p);
        },
        (error: unknown) => {
          running.delete(p);
          if (!failure) {
            failure = { error };
            onFailure?.(error);
          }
        },
      );
      running.add(p);
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  if (failure) throw failure.error;
}
