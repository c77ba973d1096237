/**
 * Hinge loss for ±1 labels, as in a linear SVM (PyTorch's `SoftMarginLoss` is its smooth cousin).
 *
 * @since 0.1.0
 */
import { mul, relu, shapeError, sub, type Tensor } from '@recur/core'
import { checkSameShape, firstBad, type LossOptions, reduceLoss } from './reduction.js'

/**
 * `max(0, 1 − y·ŷ)` per element; the gradient at the kink `y·ŷ = 1` is 0.
 *
 * **Arguments:** `scores`: any shape; `targets`: the same shape, every value −1 or +1;
 * `options.mask`: the shape of `scores`.
 *
 * **Returns:** a scalar, or the shape of `scores` with `reduction: 'none'`.
 *
 * @category losses
 * @since 0.1.0
 */
export const hinge = (scores: Tensor, targets: Tensor, options: LossOptions = {}): Tensor => {
  const y = checkSameShape('hinge', 'scores', scores, 'targets', targets)
  const bad = firstBad(targets, (v) => v === 1 || v === -1)
  if (bad !== undefined) {
    throw shapeError('hinge', 'targets', `targets${bad.at} = ${bad.value}; hinge targets must be −1 or +1`, {
      scores: scores.shape,
      targets: targets.shape,
    })
  }
  return reduceLoss('hinge', relu(sub(1, mul(y, scores))), options)
}
