/**
 * Coupled (L2) weight decay as a gradient transformation: `g + wd·p`. Chained before an optimizer
 * it reproduces PyTorch's `weight_decay` argument of `SGD`, `Adam`, `RMSprop` and `Adagrad` (which
 * add `wd·p` to the gradient); `adamw` has the decoupled kind built in.
 *
 * @since 0.1.0
 */
import { add, mul, type TreeT } from '@recur/core'
import { checkHyper, leafwise, requireParams, type Transform } from './transform.js'

/**
 * `g + weightDecay · p` for every leaf; needs `params` in `update`. Stateless (state `{}`).
 *
 * @example
 * chain(addWeightDecay(1e-4), adam(1e-3)) // torch.optim.Adam(params, lr=1e-3, weight_decay=1e-4)
 *
 * @category transforms
 * @since 0.1.0
 */
export const addWeightDecay = (weightDecay: number): Transform<Record<string, never>> => {
  checkHyper('addWeightDecay', 'weightDecay', weightDecay, 0)
  return {
    init: () => ({}),
    update: (grads, state, params) => {
      const p: TreeT = requireParams('addWeightDecay', params)
      const [updates] = leafwise('addWeightDecay', grads, { params: p }, [], (g, x) => [add(g, mul(x.params, weightDecay)), {}])
      return [updates, state]
    },
  }
}
