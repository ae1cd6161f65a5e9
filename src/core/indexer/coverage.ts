/** How much of the index dense search covers, as a whole percentage (rounded down, so 100 means all). */
export function vectorPercent(vectors: { ready: number; total: number }): number {
  return vectors.total === 0 ? 100 : Math.floor((100 * vectors.ready) / vectors.total);
}
