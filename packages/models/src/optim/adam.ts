/**
 * Adam and AdamW, as `torch.optim.Adam` and `torch.optim.AdamW` (bias-corrected, ε outside the
 * square root, decoupled decay for AdamW).
 *
 * @since 0.1.0
 */
import { add, div, mul, sqrt, square, type Tensor, Tree, type TreeT, zerosLike } from '@recur/core'
import {
  checkHyper,
  checkRate,
  initCount,
  type LearningRate,
  leafwise,
  rateAt,
  requireParams,
  type Transform,
  tick,
} from './transform.js'

/**
 * Options of {@link adam}.
 *
 * @category model
 * @since 0.1.0
 */
export type AdamOptions = {
  /** Decay of the first moment, `[0, 1)`; default 0.9. */
  readonly b1?: number
  /** Decay of the second moment, `[0, 1)`; default 0.999. */
  readonly b2?: number
  /** Added to `√v̂` (outside the square root, as PyTorch); default 1e-8. */
  readonly eps?: number
}

/**
 * Options of {@link adamw}: Adam's, plus the decoupled weight decay.
 *
 * @category model
 * @since 0.1.0
 */
export type AdamWOptions = AdamOptions & {
  /** Decoupled weight decay λ ≥ 0; default 0.01 (PyTorch's default for AdamW). */
  readonly weightDecay?: number
}

/**
 * State of {@link adam} and {@link adamw}: the step counter and the first (`mu`) and second
 * (`nu`) moment estimates, each of the parameters' structure.
 *
 * @category model
 * @since 0.1.0
 */
export type AdamState = { readonly count: Tensor; readonly mu: TreeT; readonly nu: TreeT }

const hyper = (op: string, lr: LearningRate, o: AdamOptions): Required<AdamOptions> => {
  const h = { b1: o.b1 ?? 0.9, b2: o.b2 ?? 0.999, eps: o.eps ?? 1e-8 }
  checkRate(op, lr)
  checkHyper(op, 'b1', h.b1, 0, 1, true)
  checkHyper(op, 'b2', h.b2, 0, 1, true)
  checkHyper(op, 'eps', h.eps, 0)
  return h
}

const make = (op: string, lr: LearningRate, h: Required<AdamOptions>, weightDecay: number): Transform<AdamState> => ({
  init: (params) => ({ count: initCount(params), mu: Tree.map(params, zerosLike), nu: Tree.map(params, zerosLike) }),
  update: (grads, state, params) => {
    const [step, count] = tick(op, state.count)
    const rate = rateAt(lr, step)
    const t = step + 1
    const stepSize = rate / (1 - h.b1 ** t)
    const correction2 = Math.sqrt(1 - h.b2 ** t)
    const inputs = { mu: state.mu, nu: state.nu, params: weightDecay === 0 ? grads : requireParams(op, params) }
    const [updates, next] = leafwise(op, grads, inputs, ['mu', 'nu'], (g, x) => {
      const mu = add(mul(x.mu, h.b1), mul(g, 1 - h.b1))
      const nu = add(mul(x.nu, h.b2), mul(square(g), 1 - h.b2))
      const step = mul(div(mu, add(div(sqrt(nu), correction2), h.eps)), -stepSize)
      return [weightDecay === 0 ? step : add(mul(x.params, -rate * weightDecay), step), { mu, nu }]
    })
    return [updates, { count, mu: next.mu, nu: next.nu }]
  },
})

/**
 * Adam (Kingma & Ba), exactly `torch.optim.Adam(lr, betas=(b1, b2), eps)`: with `t` the 1-based
 * step, `m ← b1·m + (1 − b1)·g`, `v ← b2·v + (1 − b2)·g²`, and the update
 * `−(lr / (1 − b1ᵗ)) · m / (√v / √(1 − b2ᵗ) + ε)`. PyTorch's coupled `weight_decay` is
 * `chain(addWeightDecay(wd), adam(lr))`.
 *
 * @category optimizers
 * @since 0.1.0
 */
export const adam = (lr: LearningRate, options: AdamOptions = {}): Transform<AdamState> =>
  make('adam', lr, hyper('adam', lr, options), 0)

/**
 * AdamW (Loshchilov & Hutter), exactly `torch.optim.AdamW(lr, betas, eps, weight_decay)`: Adam's
 * update plus `−lr·λ·p` (PyTorch multiplies `p` by `1 − lr·λ` before the Adam step; note the decay
 * is scaled by the current rate, schedules included). Needs `params` in `update`.
 *
 * @category optimizers
 * @since 0.1.0
 */
export const adamw = (lr: LearningRate, options: AdamWOptions = {}): Transform<AdamState> => {
  const weightDecay = options.weightDecay ?? 0.01
  checkHyper('adamw', 'weightDecay', weightDecay, 0)
  return make('adamw', lr, hyper('adamw', lr, options), weightDecay)
}
