/**
 * Runs a generator's steps in tasks of their own, as many per task as fit `budgetMs`, yielding to the
 * page between tasks (input, frames and socket messages get in): a fast machine takes few tasks, a loaded
 * one short ones. The first step waits for a task too, so nothing lands in the caller's task. Resolves
 * with the generator's result, or null when `cancelled()` turns true at a yield.
 */
export async function runSliced<T>(
  steps: Generator<void, T>,
  options: { readonly budgetMs: number; readonly cancelled?: () => boolean },
): Promise<T | null> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 0))
    if (options.cancelled?.()) return null
    const started = performance.now()
    for (;;) {
      const next = steps.next()
      if (next.done) return next.value
      if (performance.now() - started >= options.budgetMs) break
    }
  }
}
