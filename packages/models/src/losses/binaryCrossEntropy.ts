/**
 * Binary cross-entropy on logits, as PyTorch's `BCEWithLogitsLoss`, in the stable softplus form
 * `(1 − y)·x + (1 + (p − 1)·y)·softplus(−x)` (`p` the positive weight): never `log(sigmoid(x))`, so
 * logits of ±1000 give a finite loss and gradient.
 *
 * @since 0.1.0
 */
import { add, cast, mul, neg, softplus, sub, type Tensor } from '@recur/core'
import { checkBroadcastsTo, checkSameShape, type LossOptions, reduceLoss } from './reduction.js'

/**
 * Options of {@link binaryCrossEntropyWithLogits}.
 *
 * @category model
 * @since 0.1.0
 */
export type BinaryCrossEntropyOptions = LossOptions & {
  /**
   * Weight of the positive term, broadcast against the logits — typically `(C,)` for `C`
   * independent labels (PyTorch's `pos_weight`: > 1 raises recall, < 1 precision).
   */
  readonly posWeight?: Tensor
}

/**
 * `−[p·y·log σ(x) + (1 − y)·log(1 − σ(x))]` per element.
 *
 * **Arguments:** `logits`: any shape; `targets`: the same shape, values in `[0, 1]` (soft labels
 * allowed); `options.posWeight`: broadcastable to `logits`; `options.mask`: the shape of `logits`.
 *
 * **Returns:** a scalar, or the shape of `logits` with `reduction: 'none'`.
 *
 * @category losses
 * @since 0.1.0
 */
export const binaryCrossEntropyWithLogits = (
  logits: Tensor,
  targets: Tensor,
  options: BinaryCrossEntropyOptions = {},
): Tensor => {
  const op = 'binaryCrossEntropyWithLogits'
  const y = checkSameShape(op, 'logits', logits, 'targets', targets)
  const negative = mul(sub(1, y), logits)
  const pw = options.posWeight
  if (pw !== undefined) checkBroadcastsTo(op, 'posWeight', pw, 'logits', logits.shape)
  const weight = pw === undefined ? undefined : add(1, mul(sub(cast(pw, logits.dtype), 1), y))
  const positive = softplus(neg(logits))
  return reduceLoss(op, add(negative, weight === undefined ? positive : mul(weight, positive)), options)
}
