/**
 * Multi-class focal loss (Lin et al. 2017): cross-entropy with easy examples down-weighted by
 * `(1 − p)^γ`, computed from `logSoftmax` (so large logits stay finite).
 *
 * @since 0.1.0
 */
import { expm1, logSoftmax, mul, neg, pow, shapeError, sum, type Tensor } from '@recur/core'
import { classTargets, classWeightsOf } from './classTargets.js'
import { type LossOptions, reduceLoss } from './reduction.js'

/**
 * Options of {@link focal}.
 *
 * @category model
 * @since 0.1.0
 */
export type FocalOptions = LossOptions & {
  /** Focusing parameter γ ≥ 0; 0 gives cross-entropy, 2 is the paper's choice. */
  readonly gamma: number
  /** A factor for every class (a number) or one per class `(C,)`; default 1. `'mean'` is the plain mean. */
  readonly alpha?: number | Tensor
}

/**
 * `−Σ_c α_c·y_c·(1 − p_c)^γ·log p_c` per element, `p = softmax(logits)`: for an index target
 * `t`, `−α_t (1 − p_t)^γ log p_t`. `1 − p` is computed as `−expm1(log p)`, exact near `p = 1`.
 * Where some `p_c = 1` exactly (saturated logits), the gradient is finite for γ = 0 and γ ≥ 1
 * (`(1 − p)^γ` has an infinite slope at 0 for 0 < γ < 1).
 *
 * **Arguments:** `logits`: `(…, C)`; `targets`: `(…)` class indices (float integers in
 * `[0, C)`) or `(…, C)` probabilities; `options.mask`: `(…)`.
 *
 * **Returns:** a scalar, or `(…)` with `reduction: 'none'`.
 *
 * @category losses
 * @since 0.1.0
 */
export const focal = (logits: Tensor, targets: Tensor, options: FocalOptions): Tensor => {
  const op = 'focal'
  const gamma = options.gamma
  if (!(typeof gamma === 'number' && gamma >= 0 && Number.isFinite(gamma))) {
    throw shapeError(op, 'gamma', `gamma must be a finite number ≥ 0, got ${String(gamma)}`)
  }
  const t = classTargets(op, 'logits', logits, targets)
  const logP = logSoftmax(logits)
  const ce = gamma === 0 ? logP : mul(pow(neg(expm1(logP)), gamma), logP)
  const a = options.alpha
  const weighted = a === undefined ? ce : mul(ce, typeof a === 'number' ? a : classWeightsOf(op, 'alpha', a, logits, t.classes))
  return reduceLoss(op, neg(sum(mul(t.y, weighted), { axes: -1 })), options)
}
