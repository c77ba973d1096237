/**
 * Negative log-likelihood of log-probabilities, as PyTorch's `NLLLoss`.
 *
 * @since 0.1.0
 */
import type { Tensor } from '@recur/core'
import { type ClassWeightOptions, classTargets, weightedNll } from './classTargets.js'

/**
 * `−Σ_c w_c y_c logProbs_c` per element: with index targets, `−w[t]·logProbs[t]`. A `−∞`
 * log-probability of a class that is not the target is fine (it never meets a nonzero target).
 *
 * **Arguments:** `logProbs`: `(…, C)` log-probabilities (e.g. from `logSoftmax`); `targets`: `(…)`
 * class indices (float integers in `[0, C)`) or `(…, C)` probabilities. `options.mask`: `(…)`.
 *
 * **Returns:** a scalar, or `(…)` with `reduction: 'none'`.
 *
 * @category losses
 * @since 0.1.0
 */
export const nll = (logProbs: Tensor, targets: Tensor, options: ClassWeightOptions = {}): Tensor => {
  const t = classTargets('nll', 'logProbs', logProbs, targets)
  return weightedNll('nll', logProbs, t, t.y, options)
}
