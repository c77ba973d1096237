/**
 * Stochastic gradient descent, plain and with momentum, as `torch.optim.SGD`.
 *
 * @since 0.1.0
 */
import { add, mul, neg, type Tensor, Tree, type TreeT, zerosLike } from '@recur/core'
import { checkHyper, checkRate, initCount, type LearningRate, leafwise, rateAt, type Transform, tick } from './transform.js'

/**
 * State of {@link sgd}: the step counter (for schedules).
 *
 * @category model
 * @since 0.1.0
 */
export type SgdState = { readonly count: Tensor }

/**
 * `−lr · g`.
 *
 * @category optimizers
 * @since 0.1.0
 */
export const sgd = (lr: LearningRate): Transform<SgdState> => {
  checkRate('sgd', lr)
  return {
    init: (params) => ({ count: initCount(params) }),
    update: (grads, state) => {
      const [step, count] = tick('sgd', state.count)
      const rate = rateAt(lr, step)
      return [Tree.map(grads, (g) => mul(g, -rate)), { count }]
    },
  }
}

/**
 * Options of {@link momentum}.
 *
 * @category model
 * @since 0.1.0
 */
export type MomentumOptions = {
  /** Nesterov momentum (PyTorch's form `g + β·buf`); needs `dampening = 0`. Default `false`. */
  readonly nesterov?: boolean
  /** Dampening `d` of the new gradient, `[0, 1]`; default 0. */
  readonly dampening?: number
}

/**
 * State of {@link momentum}: the step counter and the momentum buffer (the gradients' structure).
 *
 * @category model
 * @since 0.1.0
 */
export type MomentumState = { readonly count: Tensor; readonly trace: TreeT }

/**
 * SGD with momentum, exactly `torch.optim.SGD(lr, momentum=beta, dampening, nesterov)`:
 * `buf ← g` on the first step, then `buf ← β·buf + (1 − d)·g`; the update is `−lr·buf`, or
 * `−lr·(g + β·buf)` with Nesterov. (PyTorch's first step takes `g` undamped; a zero-initialised
 * buffer would give `(1 − d)·g`.)
 *
 * @category optimizers
 * @since 0.1.0
 */
export const momentum = (lr: LearningRate, beta: number, options: MomentumOptions = {}): Transform<MomentumState> => {
  const op = 'momentum'
  const dampening = options.dampening ?? 0
  const nesterov = options.nesterov === true
  checkRate(op, lr)
  checkHyper(op, 'beta', beta, 0)
  checkHyper(op, 'dampening', dampening, 0, 1)
  if (nesterov && (beta <= 0 || dampening !== 0)) {
    throw new RangeError(`${op}: Nesterov momentum needs beta > 0 and dampening 0, got beta ${beta}, dampening ${dampening}`)
  }
  return {
    init: (params) => ({ count: initCount(params), trace: Tree.map(params, zerosLike) }),
    update: (grads, state) => {
      const [step, count] = tick(op, state.count)
      const rate = rateAt(lr, step)
      const [updates, next] = leafwise(op, grads, { trace: state.trace }, ['trace'], (g, x) => {
        const buf = step === 0 ? g : add(mul(x.trace, beta), dampening === 0 ? g : mul(g, 1 - dampening))
        const direction = nesterov ? add(g, mul(buf, beta)) : buf
        return [neg(mul(direction, rate)), { trace: buf }]
      })
      return [updates, { count, trace: next.trace }]
    },
  }
}
