/**
 * Reference indexing and creation kernels: `gather`, `scatterAdd`, `oneHot`, `cast` and `fill`.
 *
 * @since 0.1.0
 */
import type { DType, Operand, ReadonlyData, Shape } from '@recur/core'
import { allIndices, at, ravel, sizeOf, toData, toNumbers } from './multiIndex.js'

/**
 * The shape `gather` produces: `shape[:axis] ++ indicesShape ++ shape[axis+1:]`.
 *
 * @category indexing
 * @since 0.1.0
 */
export const gatherShape = (shape: Shape, indicesShape: Shape, axis: number): number[] => [
  ...shape.slice(0, axis),
  ...indicesShape,
  ...shape.slice(axis + 1),
]

/**
 * The multi-index into the gathered-from tensor that the gathered multi-index `index` reads:
 * `[pre, indices[idx...], post]` for `index = [pre, idx..., post]`, where `pre` has `axis` entries
 * and `idx` has one per axis of `indices`.
 *
 * @category indexing
 * @since 0.1.0
 */
const sourceIndex = (index: readonly number[], indices: Operand, indexValues: readonly number[], axis: number): number[] => {
  const rank = indices.shape.length
  const idx = index.slice(axis, axis + rank)
  const position = at(indexValues, indices.shape, idx)
  return [...index.slice(0, axis), position, ...index.slice(axis + rank)]
}

/**
 * Slices of `x` along `axis` at `indices`: `out[pre, idx..., post] = x[pre, indices[idx...], post]`.
 *
 * @category kernels
 * @since 0.1.0
 */
export const gather = (x: Operand, indices: Operand, axis: number): ReadonlyData => {
  const values = toNumbers(x.data)
  const indexValues = toNumbers(indices.data)
  const outShape = gatherShape(x.shape, indices.shape, axis)
  const out = allIndices(outShape).map((o) => at(values, x.shape, sourceIndex(o, indices, indexValues, axis)))
  return toData(x.dtype, out)
}

/**
 * Zeros of `outShape`, then `updates[pre, idx..., post]` added into `out[pre, indices[idx...], post]`
 * for every element of `updates` (repeated indices accumulate, in float64).
 *
 * @category kernels
 * @since 0.1.0
 */
export const scatterAdd = (updates: Operand, indices: Operand, axis: number, outShape: Shape): ReadonlyData => {
  const values = toNumbers(updates.data)
  const indexValues = toNumbers(indices.data)
  const out = new Array<number>(sizeOf(outShape)).fill(0)
  allIndices(updates.shape).forEach((u, flat) => {
    const target = sourceIndex(u, indices, indexValues, axis)
    const position = ravel(target, outShape)
    out[position] = (out[position] ?? 0) + (values[flat] ?? 0)
  })
  return toData(updates.dtype, out)
}

/**
 * One-hot rows of `dtype`: output `indices.shape ++ [depth]`, 1 where the last index equals
 * `indices` at the leading ones, 0 elsewhere.
 *
 * @category kernels
 * @since 0.1.0
 */
export const oneHot = (indices: Operand, depth: number, dtype: DType): ReadonlyData => {
  const indexValues = toNumbers(indices.data)
  const out = allIndices([...indices.shape, depth]).map((o) => {
    const j = o[o.length - 1] ?? 0
    return at(indexValues, indices.shape, o.slice(0, -1)) === j ? 1 : 0
  })
  return toData(dtype, out)
}

/**
 * The elements of `x` converted to `dtype` (to float32 by rounding to nearest).
 *
 * @category kernels
 * @since 0.1.0
 */
export const cast = (x: Operand, dtype: DType): ReadonlyData => toData(dtype, toNumbers(x.data))

/**
 * `size(shape)` copies of `value`, rounded to `dtype`.
 *
 * @category kernels
 * @since 0.1.0
 */
export const fill = (shape: Shape, dtype: DType, value: number): ReadonlyData =>
  toData(dtype, new Array<number>(sizeOf(shape)).fill(value))
