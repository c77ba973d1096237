/**
 * Log-cosh loss: like `½x²` near 0 and `|x| − log 2` far away, smooth everywhere.
 *
 * @since 0.1.0
 */
import { abs, add, mul, softplus, sub, type Tensor } from '@recur/core'
import { checkSameShape, type LossOptions, reduceLoss } from './reduction.js'

/**
 * `log cosh(predictions − targets)` per element, computed stably as
 * `|x| + softplus(−2|x|) − log 2` (never `cosh`, which overflows past |x| ≈ 710); the gradient is
 * `tanh(x)`.
 *
 * **Arguments:** `predictions`: any shape; `targets` and `options.mask`: the same shape.
 *
 * **Returns:** a scalar, or the shape of `predictions` with `reduction: 'none'`.
 *
 * @category losses
 * @since 0.1.0
 */
export const logCosh = (predictions: Tensor, targets: Tensor, options: LossOptions = {}): Tensor => {
  const y = checkSameShape('logCosh', 'predictions', predictions, 'targets', targets)
  const a = abs(sub(predictions, y))
  return reduceLoss('logCosh', sub(add(a, softplus(mul(a, -2))), Math.LN2), options)
}
