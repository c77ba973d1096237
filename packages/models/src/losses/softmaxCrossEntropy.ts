/**
 * Softmax cross-entropy, fused: `−Σ_c y_c log softmax(logits)_c` with `log softmax` from core's
 * stable `logSoftmax` primitive (no `softmax` then `log`), so logits of ±1000 give a finite loss
 * and gradient. Its gradient with respect to the logits is `ŷ − y` (softmax minus targets) per
 * element, scaled by the reduction.
 *
 * @since 0.1.0
 */
import { add, logSoftmax, mul, type Tensor } from '@recur/core'
import { type ClassWeightOptions, classTargets, weightedNll } from './classTargets.js'
import { checkRange } from './reduction.js'

/**
 * Options of {@link softmaxCrossEntropy}: reduction, mask and class weights, plus label smoothing.
 *
 * @category model
 * @since 0.1.0
 */
export type CrossEntropyOptions = ClassWeightOptions & {
  /**
   * ε in `[0, 1]` (default 0): the targets become `(1 − ε)·y + ε/C`, as PyTorch's
   * `label_smoothing`. With class weights and index targets, `'mean'` still divides by
   * `Σᵢ w[targets[i]]`, as PyTorch does.
   */
  readonly labelSmoothing?: number
}

/**
 * Cross-entropy of `logits` against `targets`.
 *
 * **Arguments:** `logits`: `(…, C)` unnormalised scores; `targets`: `(…)` class indices (a float
 * tensor of integers in `[0, C)`; padded steps must hold a valid index and be masked out) or
 * `(…, C)` probabilities (one-hot or soft). `options.mask`: `(…)`.
 *
 * **Returns:** a scalar, or `(…)` with `reduction: 'none'`.
 *
 * @example
 * const loss = softmaxCrossEntropy(logits, targets, { mask, reduction: 'mean' })
 *
 * @category losses
 * @since 0.1.0
 */
export const softmaxCrossEntropy = (logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): Tensor => {
  const op = 'softmaxCrossEntropy'
  const t = classTargets(op, 'logits', logits, targets)
  const eps = options.labelSmoothing ?? 0
  checkRange(op, 'labelSmoothing', eps, 0, 1)
  const y = eps === 0 ? t.y : add(mul(t.y, 1 - eps), eps / t.classes)
  return weightedNll(op, logSoftmax(logits), t, y, options)
}
