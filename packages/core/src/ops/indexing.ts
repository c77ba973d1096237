/**
 * Integer indexing: gather (embedding lookup), its transpose scatterAdd, and oneHot. Indices are
 * tensors of either dtype whose elements must be integers in range; anything else is rejected
 * with the position of the first bad index. Indices never receive a derivative.
 *
 * @since 0.1.0
 */

import { bind } from '../autodiff/bind.js'
import type { DType } from '../DType.js'
import { check, normalizeAxis, orThrow } from '../Shape.js'
import { shapeError } from '../ShapeError.js'
import type { Tensor } from '../Tensor.js'
import { expectTensor } from './args.js'

const sameBackend = (op: string, x: Tensor, indices: Tensor): void => {
  if (x.backend !== indices.backend) {
    throw shapeError(op, 'indices', `mixed backends: x is on '${x.backend.name}' but indices are on '${indices.backend.name}'`)
  }
}

/**
 * Takes slices of `x` along `axis` at `indices` — an embedding lookup when `x` is a
 * `[vocab, dim]` table and `axis` is 0. `x`: any shape with rank ≥ 1; `indices`: any shape, integer
 * values in `[0, x.shape[axis])`. Returns `x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:]`.
 *
 * @category indexing
 * @since 0.1.0
 */
export const gather = (x: Tensor, indices: Tensor, axis = 0): Tensor => {
  const t = expectTensor('gather', 'x', x)
  const idx = expectTensor('gather', 'indices', indices)
  sameBackend('gather', t, idx)
  const shapes = { x: t.shape, indices: idx.shape }
  if (t.rank === 0) throw shapeError('gather', 'x', 'cannot gather from a scalar', shapes)
  return bind('gather', [t, idx], { axis: orThrow(normalizeAxis('gather', 'axis', axis, t.rank, shapes)) })
}

/**
 * The transpose of {@link gather}: zeros of `shape`, with each slice of `updates` added at its
 * index along `axis` (repeated indices accumulate). `updates` must have the shape
 * `shape[:axis] ++ indices.shape ++ shape[axis+1:]`. Returns `shape`.
 *
 * @category indexing
 * @since 0.1.0
 */
export const scatterAdd = (updates: Tensor, indices: Tensor, axis: number, shape: readonly number[]): Tensor => {
  const u = expectTensor('scatterAdd', 'updates', updates)
  const idx = expectTensor('scatterAdd', 'indices', indices)
  sameBackend('scatterAdd', u, idx)
  const target = orThrow(check('scatterAdd', 'shape', shape))
  const shapes = { updates: u.shape, indices: idx.shape, shape: target }
  if (target.length === 0) throw shapeError('scatterAdd', 'shape', 'cannot scatter into a scalar', shapes)
  return bind('scatterAdd', [u, idx], {
    axis: orThrow(normalizeAxis('scatterAdd', 'axis', axis, target.length, shapes)),
    shape: target,
  })
}

/**
 * One-hot encoding: `indices` (any shape, integers in `[0, depth)`) → `indices.shape ++ [depth]`,
 * 1 at each index and 0 elsewhere, in `dtype` (default: the dtype of `indices`).
 *
 * @category indexing
 * @since 0.1.0
 */
export const oneHot = (indices: Tensor, depth: number, dtype?: DType): Tensor => {
  const idx = expectTensor('oneHot', 'indices', indices)
  return bind('oneHot', [idx], { depth, dtype: dtype ?? idx.dtype })
}
