/**
 * Mean squared error, as PyTorch's `MSELoss`.
 *
 * @since 0.1.0
 */
import { square, sub, type Tensor } from '@recur/core'
import { checkSameShape, type LossOptions, reduceLoss } from './reduction.js'

/**
 * `(predictions − targets)²` per element.
 *
 * **Arguments:** `predictions`: any shape; `targets` and `options.mask`: the same shape (no
 * broadcasting, unlike PyTorch, which only warns).
 *
 * **Returns:** a scalar, or the shape of `predictions` with `reduction: 'none'`.
 *
 * @category losses
 * @since 0.1.0
 */
export const mse = (predictions: Tensor, targets: Tensor, options: LossOptions = {}): Tensor => {
  const y = checkSameShape('mse', 'predictions', predictions, 'targets', targets)
  return reduceLoss('mse', square(sub(predictions, y)), options)
}
