/**
 * Adagrad, as `torch.optim.Adagrad`.
 *
 * @since 0.1.0
 */
import { add, div, full, mul, sqrt, square, type Tensor, Tree, type TreeT } from '@recur/core'
import { checkHyper, checkRate, initCount, type LearningRate, leafwise, rateAt, type Transform, tick } from './transform.js'

/**
 * Options of {@link adagrad}.
 *
 * @category model
 * @since 0.1.0
 */
export type AdagradOptions = {
  /** Added to the root of the sum, outside it; default 1e-10 (PyTorch's). */
  readonly eps?: number
  /** Initial value of the sum of squares, ≥ 0; default 0. */
  readonly initialAccumulator?: number
  /** Rate decay: step `t` (1-based) uses `lr / (1 + (t − 1)·lrDecay)`; default 0. */
  readonly lrDecay?: number
}

/**
 * State of {@link adagrad}: the step counter and the running sum of squared gradients.
 *
 * @category model
 * @since 0.1.0
 */
export type AdagradState = { readonly count: Tensor; readonly sum: TreeT }

/**
 * Adagrad, exactly `torch.optim.Adagrad(lr, lr_decay, initial_accumulator_value, eps)`:
 * `s ← s + g²`, update `−lr_t · g / (√s + ε)` with `lr_t = lr / (1 + (t − 1)·lrDecay)`.
 *
 * @category optimizers
 * @since 0.1.0
 */
export const adagrad = (lr: LearningRate, options: AdagradOptions = {}): Transform<AdagradState> => {
  const op = 'adagrad'
  const eps = options.eps ?? 1e-10
  const initial = options.initialAccumulator ?? 0
  const lrDecay = options.lrDecay ?? 0
  checkRate(op, lr)
  checkHyper(op, 'eps', eps, 0)
  checkHyper(op, 'initialAccumulator', initial, 0)
  checkHyper(op, 'lrDecay', lrDecay, 0)
  return {
    init: (params) => ({
      count: initCount(params),
      sum: Tree.map(params, (p) => full(p.shape, initial, { dtype: p.dtype, backend: p.backend })),
    }),
    update: (grads, state) => {
      const [step, count] = tick(op, state.count)
      const rate = rateAt(lr, step) / (1 + step * lrDecay)
      const [updates, next] = leafwise(op, grads, { sum: state.sum }, ['sum'], (g, x) => {
        const sum = add(x.sum, square(g))
        return [mul(div(g, add(sqrt(sum), eps)), -rate), { sum }]
      })
      return [updates, { count, sum: next.sum }]
    },
  }
}
