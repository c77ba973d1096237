/**
 * `chain(t₁, …, tₙ)`: one transformation that runs `t₁`, feeds its output to `t₂`, and so on —
 * e.g. `chain(clipByGlobalNorm(1), adam(1e-3))` clips the raw gradients, then Adam sees the
 * clipped ones. Its state is the tuple of the parts' states, in order.
 *
 * Laws: `chain(t)` behaves as `t`; `chain(a, chain(b, c))` and `chain(chain(a, b), c)` give the
 * same updates; order matters (clip-then-decay differs from decay-then-clip).
 *
 * @since 0.1.0
 */
import type { TreeT } from '@recur/core'
import type { Transform } from './transform.js'

/**
 * Composes transformations left to right. State: `[s₁, …, sₙ]` (typed per part).
 *
 * @example
 * const opt = chain(clipByGlobalNorm(1), adam(1e-3))
 * let state = opt.init(params)
 * const [updates, next] = opt.update(grads, state, params)
 * params = applyUpdates(params, updates); state = next
 * console.log(next[0].globalNorm.item()) // the gradient norm before clipping
 *
 * @category combinators
 * @since 0.1.0
 */
export const chain = <const S extends readonly TreeT[]>(
  ...transforms: { readonly [K in keyof S]: Transform<S[K]> }
): Transform<S> => {
  const parts: readonly Transform<TreeT>[] = transforms
  return {
    init: (params) => {
      const states: readonly TreeT[] = parts.map((t) => t.init(params))
      return states as S
    },
    update: (grads, state, params) => {
      if (!Array.isArray(state) || state.length !== parts.length) {
        throw new TypeError(
          `chain: the state must be the array of ${parts.length} states returned by init or the previous update, got ${Array.isArray(state) ? `${state.length} entries` : typeof state}`,
        )
      }
      let updates = grads
      const next: TreeT[] = []
      parts.forEach((t, i) => {
        const [u, s] = t.update(updates, state[i], params)
        updates = u
        next.push(s)
      })
      const states: readonly TreeT[] = next
      return [updates, states as S]
    },
  }
}
