/**
 * Reductions over axes: `sum`, `prod`, `max`, `min`, `mean`, `logSumExp`; `argmax` / `argmin`
 * along one axis; and `logSoftmax` / `softmax` along one axis.
 *
 * Shapes: `x` of any shape; `axes` (default: all) are removed from the shape, or kept as size-1
 * dimensions with `keepDims`.
 *
 * @since 0.1.0
 */

import { bind } from '../autodiff/bind.js'
import type { ReduceOp } from '../Backend.js'
import { normalizeAxes, normalizeAxis, orThrow } from '../Shape.js'
import { shapeError } from '../ShapeError.js'
import type { Tensor } from '../Tensor.js'
import { expectTensor } from './args.js'
import { exp, mul } from './elementwise.js'
import { reshape } from './movement.js'

/**
 * Which axes to reduce and whether to keep them as size-1 dimensions.
 *
 * @category model
 * @since 0.1.0
 */
export interface ReduceOptions {
  /** One axis or several; negative counts from the end; default all. */
  readonly axes?: number | readonly number[]
  /** Keep reduced axes as size-1 dimensions (default `false`). */
  readonly keepDims?: boolean
}

const reducer =
  (op: ReduceOp | 'logSumExp') =>
  (x: Tensor, options: ReduceOptions = {}): Tensor => {
    const t = expectTensor(op, 'x', x)
    const axes = orThrow(normalizeAxes(op, 'axes', options.axes, t.rank, { x: t.shape }))
    const out = bind(op, [t], { axes })
    return options.keepDims === true
      ? reshape(
          out,
          t.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
        )
      : out
  }

/** Sum over `axes` (0 over no elements). @category reductions @since 0.1.0 */
export const sum = reducer('sum')
/** Product over `axes` (1 over no elements). @category reductions @since 0.1.0 */
export const prod = reducer('prod')
/** Maximum over `axes` (NaN wins; axes must be non-empty). @category reductions @since 0.1.0 */
export const max = reducer('max')
/** Minimum over `axes` (NaN wins; axes must be non-empty). @category reductions @since 0.1.0 */
export const min = reducer('min')
/** log Σ exp over `axes`, computed stably (−∞ over no elements). @category reductions @since 0.1.0 */
export const logSumExp = reducer('logSumExp')

/**
 * Mean over `axes` (NaN over no elements, as PyTorch).
 *
 * @category reductions
 * @since 0.1.0
 */
export const mean = (x: Tensor, options: ReduceOptions = {}): Tensor => {
  const t = expectTensor('mean', 'x', x)
  const axes = orThrow(normalizeAxes('mean', 'axes', options.axes, t.rank, { x: t.shape }))
  const count = axes.reduce((n, a) => n * (t.shape[a] ?? 1), 1)
  return mul(sum(t, options), 1 / count)
}

const argReducer =
  (op: 'argmax' | 'argmin') =>
  (x: Tensor, axis = -1, keepDims = false): Tensor => {
    const t = expectTensor(op, 'x', x)
    if (t.rank === 0) throw shapeError(op, 'x', 'needs at least one dimension', { x: t.shape })
    const a = orThrow(normalizeAxis(op, 'axis', axis, t.rank, { x: t.shape }))
    const out = bind(op, [t], { axis: a })
    return keepDims
      ? reshape(
          out,
          t.shape.map((d, i) => (i === a ? 1 : d)),
        )
      : out
  }

/**
 * Index of the largest element along `axis` (default last), as numbers in `x.dtype`; first on ties,
 * first NaN if any. Output: `x.shape` without `axis` (or with size 1 there, with `keepDims`).
 *
 * @category reductions
 * @since 0.1.0
 */
export const argmax = argReducer('argmax')

/**
 * Index of the smallest element along `axis`; see {@link argmax}.
 *
 * @category reductions
 * @since 0.1.0
 */
export const argmin = argReducer('argmin')

/**
 * log softmax along `axis` (default last): `x − logSumExp(x)`, computed stably. `x`: any shape of
 * rank ≥ 1; returns `x.shape`.
 *
 * @category reductions
 * @since 0.1.0
 */
export const logSoftmax = (x: Tensor, axis = -1): Tensor => {
  const t = expectTensor('logSoftmax', 'x', x)
  if (t.rank === 0) throw shapeError('logSoftmax', 'x', 'needs at least one dimension', { x: t.shape })
  return bind('logSoftmax', [t], { axis: orThrow(normalizeAxis('logSoftmax', 'axis', axis, t.rank, { x: t.shape })) })
}

/**
 * softmax along `axis` (default last): `exp(logSoftmax(x))`. `x`: rank ≥ 1; returns `x.shape`.
 *
 * @category reductions
 * @since 0.1.0
 */
export const softmax = (x: Tensor, axis = -1): Tensor => exp(logSoftmax(x, axis))
