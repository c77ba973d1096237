/**
 * Reference reductions and the matrix product: `reduce`, `argReduce` and `matmul`.
 *
 * @since 0.1.0
 */
import type { ArgReduceOp, Operand, ReadonlyData, ReduceOp, Shape } from '@recur/core'
import { allIndices, at, broadcastIndex, toData, toNumbers } from './multiIndex.js'

/**
 * The start value and the step of every reduction. `max` and `min` let NaN win.
 *
 * @category scalar
 * @since 0.1.0
 */
export const reduceScalar: Readonly<
  Record<ReduceOp, { readonly init: number; readonly step: (acc: number, x: number) => number }>
> = {
  sum: { init: 0, step: (acc, x) => acc + x },
  prod: { init: 1, step: (acc, x) => acc * x },
  max: { init: -Infinity, step: (acc, x) => (Number.isNaN(acc) || Number.isNaN(x) ? Number.NaN : Math.max(acc, x)) },
  min: { init: Infinity, step: (acc, x) => (Number.isNaN(acc) || Number.isNaN(x) ? Number.NaN : Math.min(acc, x)) },
}

/**
 * The full multi-index built from the indices of the kept axes (`kept`, in order) and of the
 * reduced `axes` (`reduced`, in the order of `axes`).
 *
 * @category indexing
 * @since 0.1.0
 */
const mergeIndex = (kept: readonly number[], reduced: readonly number[], axes: readonly number[], rank: number): number[] => {
  const index: number[] = []
  let k = 0
  for (let i = 0; i < rank; i++) {
    const r = axes.indexOf(i)
    index.push(r >= 0 ? (reduced[r] ?? 0) : (kept[k++] ?? 0))
  }
  return index
}

/**
 * For every element of `x.shape` without `axes` (row-major), the values of `x` over `axes`
 * (row-major within those axes).
 *
 * @category indexing
 * @since 0.1.0
 */
const linesOver = (x: Operand, axes: readonly number[]): number[][] => {
  const values = toNumbers(x.data)
  const keptShape = x.shape.filter((_, i) => !axes.includes(i))
  const reducedShape = axes.map((a) => x.shape[a] ?? 1)
  return allIndices(keptShape).map((kept) =>
    allIndices(reducedShape).map((reduced) => at(values, x.shape, mergeIndex(kept, reduced, axes, x.shape.length))),
  )
}

/**
 * Reduces `x` over `axes` (sorted, distinct). Output: `x.shape` without `axes`, `x.dtype`.
 *
 * @category kernels
 * @since 0.1.0
 */
export const reduce = (op: ReduceOp, x: Operand, axes: readonly number[]): ReadonlyData => {
  const { init, step } = reduceScalar[op]
  return toData(
    x.dtype,
    linesOver(x, axes).map((line) => line.reduce(step, init)),
  )
}

/**
 * The index of the largest (`argmax`) or smallest (`argmin`) value in `line`: the first one on
 * ties, and the first NaN if there is one.
 *
 * @category scalar
 * @since 0.1.0
 */
export const argReduceLine = (op: ArgReduceOp, line: readonly number[]): number => {
  const firstNaN = line.findIndex((v) => Number.isNaN(v))
  if (firstNaN >= 0) return firstNaN
  let best = 0
  for (let i = 1; i < line.length; i++) {
    const v = line[i] ?? 0
    const b = line[best] ?? 0
    if (op === 'argmax' ? v > b : v < b) best = i
  }
  return best
}

/**
 * Index along `axis` of the largest or smallest element, in `x.dtype`. Output: `x.shape` without
 * `axis`.
 *
 * @category kernels
 * @since 0.1.0
 */
export const argReduce = (op: ArgReduceOp, x: Operand, axis: number): ReadonlyData =>
  toData(
    x.dtype,
    linesOver(x, [axis]).map((line) => argReduceLine(op, line)),
  )

/**
 * Batched matrix product: for every output multi-index `[...batch, i, j]`,
 * `Σₚ a[...batchA, i, p] · b[...batchB, p, j]` in float64, where `batchA` and `batchB` are `batch`
 * read through broadcasting, `a`'s last two axes are swapped with `transposeA` (`[k, m]`) and
 * `b`'s with `transposeB` (`[n, k]`).
 *
 * @category kernels
 * @since 0.1.0
 */
export const matmul = (a: Operand, b: Operand, transposeA: boolean, transposeB: boolean, outShape: Shape): ReadonlyData => {
  const aValues = toNumbers(a.data)
  const bValues = toNumbers(b.data)
  const rank = a.shape.length
  const k = (transposeA ? a.shape[rank - 2] : a.shape[rank - 1]) ?? 0
  const out = allIndices(outShape).map((outIndex) => {
    const batch = outIndex.slice(0, -2)
    const [i = 0, j = 0] = outIndex.slice(-2)
    const aBatch = broadcastIndex(batch, a.shape.slice(0, -2))
    const bBatch = broadcastIndex(batch, b.shape.slice(0, -2))
    let sum = 0
    for (let p = 0; p < k; p++) {
      const aIndex = transposeA ? [...aBatch, p, i] : [...aBatch, i, p]
      const bIndex = transposeB ? [...bBatch, j, p] : [...bBatch, p, j]
      sum += at(aValues, a.shape, aIndex) * at(bValues, b.shape, bIndex)
    }
    return sum
  })
  return toData(a.dtype, out)
}
