/**
 * Huber loss, as PyTorch's `HuberLoss(delta)`: quadratic near 0, linear beyond `delta`.
 *
 * @since 0.1.0
 */
import { abs, add, minimum, mul, shapeError, square, sub, type Tensor } from '@recur/core'
import { checkSameShape, type LossOptions, reduceLoss } from './reduction.js'

/**
 * Options of {@link huber}.
 *
 * @category model
 * @since 0.1.0
 */
export type HuberOptions = LossOptions & {
  /** Where the loss turns linear, > 0 (default 1, as PyTorch). */
  readonly delta?: number
}

/**
 * With `a = |predictions − targets|`: `½a²` when `a < δ`, else `δ·(a − ½δ)`. Computed as
 * `½q² + δ·(a − q)` with `q = min(a, δ)`, one smooth formula for both pieces. (PyTorch's
 * `SmoothL1Loss(beta)` equals `huber / beta` with `delta = beta`.)
 *
 * **Arguments:** `predictions`: any shape; `targets` and `options.mask`: the same shape.
 *
 * **Returns:** a scalar, or the shape of `predictions` with `reduction: 'none'`.
 *
 * @category losses
 * @since 0.1.0
 */
export const huber = (predictions: Tensor, targets: Tensor, options: HuberOptions = {}): Tensor => {
  const delta = options.delta ?? 1
  if (!(typeof delta === 'number' && delta > 0 && Number.isFinite(delta)))
    throw shapeError('huber', 'delta', `delta must be a positive finite number, got ${String(delta)}`)
  const y = checkSameShape('huber', 'predictions', predictions, 'targets', targets)
  const a = abs(sub(predictions, y))
  const q = minimum(a, delta)
  return reduceLoss('huber', add(mul(square(q), 0.5), mul(sub(a, q), delta)), options)
}
