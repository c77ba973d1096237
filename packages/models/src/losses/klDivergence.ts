/**
 * Kullback–Leibler divergence, as PyTorch's `kl_div(input, target)` with `log_target=False`:
 * the input is log-probabilities `log q`, the target probabilities `p`.
 *
 * @since 0.1.0
 */
import { greater, log, mul, sub, sum, type Tensor, where } from '@recur/core'
import { checkSameShape, type LossOptions, reduceLoss } from './reduction.js'

/**
 * Options of {@link klDivergence}.
 *
 * @category model
 * @since 0.1.0
 */
export type KlDivergenceOptions = LossOptions & {
  /**
   * Sum over the last axis first, so that the per-element loss is one KL per distribution `(…)`
   * (and the mask has that shape). Then `'mean'` is PyTorch's `'batchmean'` for 2-D inputs — the
   * true mean KL. Default `false`: the per-element loss is pointwise `(…, C)` and `'mean'` averages
   * over every element, as PyTorch's `'mean'` (which is `1/C` of the mean KL).
   */
  readonly perDistribution?: boolean
}

/**
 * `p·(log p − log q)` per element, with `0·log 0 = 0` (also in the gradient: no NaN where
 * `p = 0`). Summed over classes, it is `KL(p ‖ q)`.
 *
 * **Arguments:** `logQ`: `(…, C)` log-probabilities of the model; `p`: the same shape, target
 * probabilities (≥ 0); `options.mask`: `(…, C)`, or `(…)` with `perDistribution`.
 *
 * **Returns:** a scalar, or the per-element loss with `reduction: 'none'`.
 *
 * @category losses
 * @since 0.1.0
 */
export const klDivergence = (logQ: Tensor, p: Tensor, options: KlDivergenceOptions = {}): Tensor => {
  const target = checkSameShape('klDivergence', 'logQ', logQ, 'p', p)
  const positive = greater(target, 0)
  const pointwise = where(positive, mul(target, sub(log(where(positive, target, 1)), logQ)), 0)
  const perElement = options.perDistribution === true ? sum(pointwise, { axes: -1 }) : pointwise
  return reduceLoss('klDivergence', perElement, options)
}
