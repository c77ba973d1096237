/**
 * Quantile (pinball) loss, for predicting the `q`-quantile of the targets.
 *
 * @since 0.1.0
 */
import { maximum, mul, sub, type Tensor } from '@recur/core'
import { checkRange, checkSameShape, type LossOptions, reduceLoss } from './reduction.js'

/**
 * Options of {@link quantile}.
 *
 * @category model
 * @since 0.1.0
 */
export type QuantileOptions = LossOptions & {
  /** The quantile in `[0, 1]`; 0.5 gives half the absolute error. */
  readonly q: number
}

/**
 * With `r = targets − predictions`: `max(q·r, (q − 1)·r)` per element — under-prediction costs
 * `q` per unit, over-prediction `1 − q`.
 *
 * **Arguments:** `predictions`: any shape; `targets` and `options.mask`: the same shape.
 *
 * **Returns:** a scalar, or the shape of `predictions` with `reduction: 'none'`.
 *
 * @category losses
 * @since 0.1.0
 */
export const quantile = (predictions: Tensor, targets: Tensor, options: QuantileOptions): Tensor => {
  checkRange('quantile', 'q', options.q, 0, 1)
  const y = checkSameShape('quantile', 'predictions', predictions, 'targets', targets)
  const r = sub(y, predictions)
  return reduceLoss('quantile', maximum(mul(r, options.q), mul(r, options.q - 1)), options)
}
