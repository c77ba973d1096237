/**
 * RMSprop, as `torch.optim.RMSprop` (ε outside the square root, no bias correction; optional
 * momentum and centring).
 *
 * @since 0.1.0
 */
import { add, div, mul, sqrt, square, sub, type Tensor, Tree, type TreeT, zerosLike } from '@recur/core'
import { checkHyper, checkRate, initCount, type LearningRate, leafwise, rateAt, type Transform, tick } from './transform.js'

/**
 * Options of {@link rmsprop}.
 *
 * @category model
 * @since 0.1.0
 */
export type RmspropOptions = {
  /** Decay α of the running averages, `[0, 1]`; default 0.99 (PyTorch's; Keras uses 0.9). */
  readonly alpha?: number
  /** Added to the root, outside it; default 1e-8. */
  readonly eps?: number
  /** Momentum μ ≥ 0 on the scaled step; default 0. */
  readonly momentum?: number
  /** Divide by an estimate of the variance instead of the raw second moment; default `false`. */
  readonly centered?: boolean
}

/**
 * State of {@link rmsprop}: the step counter, the running mean of `g²` (`squareAvg`), and, when
 * used, the running mean of `g` (`gradAvg`, centred) and the momentum buffer (`buffer`); each of
 * the parameters' structure.
 *
 * @category model
 * @since 0.1.0
 */
export type RmspropState = {
  readonly count: Tensor
  readonly squareAvg: TreeT
  readonly gradAvg?: TreeT
  readonly buffer?: TreeT
}

/**
 * RMSprop, exactly `torch.optim.RMSprop(lr, alpha, eps, momentum, centered)`:
 * `s ← α·s + (1 − α)·g²`; centred: `a ← α·a + (1 − α)·g` and `d = √(s − a²) + ε`, else
 * `d = √s + ε`; the update is `−lr·g/d`, or with momentum `b ← μ·b + g/d` and `−lr·b`.
 *
 * @category optimizers
 * @since 0.1.0
 */
export const rmsprop = (lr: LearningRate, options: RmspropOptions = {}): Transform<RmspropState> => {
  const op = 'rmsprop'
  const alpha = options.alpha ?? 0.99
  const eps = options.eps ?? 1e-8
  const mom = options.momentum ?? 0
  const centered = options.centered === true
  checkRate(op, lr)
  checkHyper(op, 'alpha', alpha, 0, 1)
  checkHyper(op, 'eps', eps, 0)
  checkHyper(op, 'momentum', mom, 0)
  return {
    init: (params) => ({
      count: initCount(params),
      squareAvg: Tree.map(params, zerosLike),
      ...(centered ? { gradAvg: Tree.map(params, zerosLike) } : {}),
      ...(mom > 0 ? { buffer: Tree.map(params, zerosLike) } : {}),
    }),
    update: (grads, state) => {
      const [step, count] = tick(op, state.count)
      const rate = rateAt(lr, step)
      const inputs = {
        squareAvg: state.squareAvg,
        gradAvg: centered ? state.gradAvg : grads,
        buffer: mom > 0 ? state.buffer : grads,
      }
      const [updates, next] = leafwise(op, grads, inputs, ['squareAvg', 'gradAvg', 'buffer'], (g, x) => {
        const squareAvg = add(mul(x.squareAvg, alpha), mul(square(g), 1 - alpha))
        const gradAvg = centered ? add(mul(x.gradAvg, alpha), mul(g, 1 - alpha)) : x.gradAvg
        const avg = add(sqrt(centered ? sub(squareAvg, square(gradAvg)) : squareAvg), eps)
        const buffer = mom > 0 ? add(mul(x.buffer, mom), div(g, avg)) : x.buffer
        return [mul(mom > 0 ? buffer : div(g, avg), -rate), { squareAvg, gradAvg, buffer }]
      })
      return [
        updates,
        {
          count,
          squareAvg: next.squareAvg,
          ...(centered ? { gradAvg: next.gradAvg } : {}),
          ...(mom > 0 ? { buffer: next.buffer } : {}),
        },
      ]
    },
  }
}
