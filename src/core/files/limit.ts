/**
 * Runs at most `concurrency` tasks at a time, the rest in the order they arrived. A task must not
 * wait for another task of the same limiter, or both can wait forever.
 */
export function createLimiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (running < concurrency) running++;
    // A finishing task hands its slot straight to the next in line, so nobody can jump the queue.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
