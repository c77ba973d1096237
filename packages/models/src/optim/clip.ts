/**
 * Gradient clipping: by global norm (the usual guard against exploding gradients in RNNs) and by
 * value. `clipByGlobalNorm` keeps the norm it measured in its state, so a training loop can log it.
 *
 * @since 0.1.0
 */
import { add, cast, clip, mul, scalar, square, sum, type Tensor, Tree, type TreeT } from '@recur/core'
import { checkHyper, initCount, type Transform } from './transform.js'

/**
 * `√(Σ g²)` over every element of every leaf, accumulated in float64: a float64 scalar tensor on
 * the leaves' backend (0 for a tree without leaves; then on the default backend).
 *
 * @category utils
 * @since 0.1.0
 */
export const globalNorm = (tree: TreeT): Tensor => {
  const squares = Tree.leaves(tree).map((g) => sum(square(cast(g, 'float64'))))
  const total = squares.reduce<Tensor | undefined>((acc, s) => (acc === undefined ? s : add(acc, s)), undefined)
  return scalar(
    Math.sqrt(total === undefined ? 0 : total.item()),
    total === undefined ? {} : { dtype: 'float64', backend: total.backend },
  )
}

/**
 * State of {@link clipByGlobalNorm}: the global norm of the gradients it last saw, before
 * clipping (a float64 scalar; 0 before the first update).
 *
 * @category model
 * @since 0.1.0
 */
export type ClipState = { readonly globalNorm: Tensor }

/**
 * Options of {@link clipByGlobalNorm}.
 *
 * @category model
 * @since 0.1.0
 */
export type ClipOptions = {
  /** Throw when the norm is NaN or ±∞, naming the first non-finite leaf (PyTorch's `error_if_nonfinite`). */
  readonly errorOnNonFinite?: boolean
}

/**
 * Scales all gradients by `maxNorm / ‖g‖` when their global norm `‖g‖` exceeds `maxNorm` (so the
 * result has norm exactly `maxNorm`, up to rounding); leaves them unchanged otherwise. Unlike
 * PyTorch's `clip_grad_norm_`, which multiplies by `maxNorm / (‖g‖ + 10⁻⁶)`, there is no ε (as optax).
 * A non-finite norm makes every update non-finite (so the bad step is visible), unless
 * `errorOnNonFinite` asks for an error. The state records the norm before clipping.
 *
 * @example
 * const [updates, state] = clipByGlobalNorm(1).update(grads, clipState)
 * log(state.globalNorm.item())
 *
 * @category transforms
 * @since 0.1.0
 */
export const clipByGlobalNorm = (maxNorm: number, options: ClipOptions = {}): Transform<ClipState> => {
  checkHyper('clipByGlobalNorm', 'maxNorm', maxNorm, 0)
  return {
    init: (params) => ({ globalNorm: initCount(params) }), // a float64 zero
    update: (grads) => {
      const norm = globalNorm(grads)
      const value = norm.item()
      if (!Number.isFinite(value) && options.errorOnNonFinite === true) {
        const [leaves] = Tree.flatten(grads)
        const paths = Tree.paths(grads, 'grads')
        const bad = leaves.findIndex((l) => !l.toFlat().every(Number.isFinite))
        throw new RangeError(
          `clipByGlobalNorm: the global norm of the gradients is ${value}; the first non-finite gradient is ${paths[bad] ?? 'unknown'}`,
        )
      }
      const factor = Number.isFinite(value) ? maxNorm / value : Number.NaN
      return [value <= maxNorm ? grads : Tree.map(grads, (g) => mul(g, factor)), { globalNorm: norm }]
    },
  }
}

/**
 * The global gradient norm recorded by the first `clipByGlobalNorm` inside an optimizer state
 * (e.g. of a `chain`), as a number; `undefined` if there is none. For a loop that holds its state
 * as a plain tree.
 *
 * @category utils
 * @since 0.1.0
 */
export const lastGlobalNorm = (state: TreeT): number | undefined => {
  const paths = Tree.paths(state, 'state')
  const i = paths.findIndex((p) => p.endsWith('.globalNorm'))
  return i < 0 ? undefined : Tree.leaves(state)[i]?.item()
}

/**
 * Clamps every gradient element into `[min, max]`. Stateless (state `{}`).
 *
 * @category transforms
 * @since 0.1.0
 */
export const clipByValue = (min: number, max: number): Transform<Record<string, never>> => {
  if (!(min <= max)) throw new RangeError(`clipByValue: min must be ≤ max, got min ${min} and max ${max}`)
  return {
    init: () => ({}),
    update: (grads, state) => [Tree.map(grads, (g) => clip(g, min, max)), state],
  }
}
