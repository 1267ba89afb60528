/**
 * Matching predicted calls to expected ones regardless of order: an assignment, never greedy (a greedy
 * match can pair a call with the wrong expected call and then miss a perfect matching that exists).
 * Hand-written: two textbook algorithms of a few lines, for matrices of a handful of calls.
 */

/** Size of a maximum matching in a bipartite graph (Kuhn's augmenting paths); `ok[i][j]`: row i may take column j. */
export function maxMatching(ok: boolean[][], columns: number): { size: number; columnOf: number[] } {
  const rowOfColumn = new Array<number>(columns).fill(-1);
  const augment = (i: number, seen: boolean[]): boolean => {
    for (let j = 0; j < columns; j++) {
      if (!ok[i]![j] || seen[j]) continue;
      seen[j] = true;
      if (rowOfColumn[j] === -1 || augment(rowOfColumn[j]!, seen)) {
        rowOfColumn[j] = i;
        return true;
      }
    }
    return false;
  };
  let size = 0;
  for (let i = 0; i < ok.length; i++) if (augment(i, new Array<boolean>(columns).fill(false))) size++;
  const columnOf = new Array<number>(ok.length).fill(-1);
  rowOfColumn.forEach((i, j) => {
    if (i >= 0) columnOf[i] = j;
  });
  return { size, columnOf };
}

/**
 * Maximum-weight assignment of rows to columns (Hungarian algorithm, O(n³), on the square matrix padded
 * with zeros). Returns for each row its column, or -1 when it got a padding column.
 */
export function maxWeightAssignment(weights: number[][], columns: number): number[] {
  const rows = weights.length;
  const n = Math.max(rows, columns);
  if (n === 0) return [];
  // Minimise cost = max − weight (potentials method, 1-indexed as in the classic formulation).
  let max = 0;
  for (const r of weights) for (const w of r) max = Math.max(max, w);
  const cost = (i: number, j: number) => max - (i < rows && j < columns ? weights[i]![j]! : 0);
  const u = new Array<number>(n + 1).fill(0);
  const v = new Array<number>(n + 1).fill(0);
  const p = new Array<number>(n + 1).fill(0);
  const way = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
    const used = new Array<boolean>(n + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = p[j0]!;
      let delta = Number.POSITIVE_INFINITY;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const columnOf = new Array<number>(rows).fill(-1);
  for (let j = 1; j <= n; j++) {
    const i = p[j]! - 1;
    if (i < rows && j - 1 < columns) columnOf[i] = j - 1;
  }
  return columnOf;
}
