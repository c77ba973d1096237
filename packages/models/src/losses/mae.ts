/**
 * Mean absolute error (L1), as PyTorch's `L1Loss`.
 *
 * @since 0.1.0
 */
import { abs, sub, type Tensor } from '@recur/core'
import { checkSameShape, type LossOptions, reduceLoss } from './reduction.js'

/**
 * `|predictions − targets|` per element; the gradient at 0 is 0 (the subgradient PyTorch picks).
 *
 * **Arguments:** `predictions`: any shape; `targets` and `options.mask`: the same shape.
 *
 * **Returns:** a scalar, or the shape of `predictions` with `reduction: 'none'`.
 *
 * @category losses
 * @since 0.1.0
 */
export const mae = (predictions: Tensor, targets: Tensor, options: LossOptions = {}): Tensor => {
  const y = checkSameShape('mae', 'predictions', predictions, 'targets', targets)
  return reduceLoss('mae', abs(sub(predictions, y)), options)
}
