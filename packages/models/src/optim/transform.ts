/**
 * Gradient transformations, optax style: a pure pair `{ init, update }` whose state is an
 * immutable tree of tensors. An optimizer is a transformation whose output is the update to add to
 * the parameters (`applyUpdates(params, updates)`); clipping, weight decay and optimizers compose
 * with `chain`.
 *
 * Laws, for a transformation `t`, parameters `p` and gradients `g` of `p`'s structure:
 * - `t.init(p)` and `t.update(g, s, p)` never change their arguments (tensors are immutable and no
 *   tree is written), so replaying the same `(g, s, p)` gives the same result;
 * - the updates have the structure, shapes and dtypes of `g`; the new state the structure of `s`.
 *
 * @since 0.1.0
 */
import { add, scalar, type Tensor, Tree, type TreeT } from '@recur/core'

/**
 * A gradient transformation with state `S` (a tree of tensors).
 *
 * - `init(params)`: the initial state for parameters `params`.
 * - `update(grads, state, params?)`: `[updates, newState]`. `grads` has the structure of `params`;
 *   `params` (the current parameters) is needed only by transformations that read them (weight
 *   decay, `adamw`) and they say so when it is missing.
 *
 * `Transform` without an argument holds any transformation (its state is then a plain `TreeT`),
 * e.g. a training loop choosing an optimizer at run time.
 *
 * @category model
 * @since 0.1.0
 */
export type Transform<S extends TreeT = TreeT> = {
  init(params: TreeT): S
  update<G extends TreeT>(grads: G, state: S, params?: TreeT): readonly [G, S]
}

/**
 * A learning-rate schedule: the rate for the update with index `step` (0 for the first update),
 * a pure function. See `constant`, `stepDecay`, `exponentialDecay`, `cosineDecay`, `linearWarmup`.
 *
 * @category model
 * @since 0.1.0
 */
export type Schedule = (step: number) => number

/**
 * A fixed learning rate or a {@link Schedule}; accepted wherever a rate is.
 *
 * @category model
 * @since 0.1.0
 */
export type LearningRate = number | Schedule

/**
 * The rate of `lr` for update number `step` (counted from 0).
 *
 * @category utils
 * @since 0.1.0
 */
export const rateAt = (lr: LearningRate, step: number): number => (typeof lr === 'number' ? lr : lr(step))

/**
 * Adds `updates` to `params` leaf by leaf: the new parameters, of `params`' type. Throws a
 * `TypeError` naming the first path where the structures differ.
 *
 * @category combinators
 * @since 0.1.0
 */
export const applyUpdates = <T extends TreeT>(params: T, updates: TreeT): T => Tree.zipWith(params, updates, (p, u) => add(p, u))

/**
 * The step counter of a state: a float64 scalar tensor (exact up to 2⁵³ steps) on the backend of
 * the first parameter, so that the whole state is a tree of tensors (checkpointable).
 *
 * @category constructors
 * @since 0.1.0
 */
export const initCount = (params: TreeT): Tensor => scalar(0, { dtype: 'float64', ...backendOf(params) })

const backendOf = (params: TreeT): { readonly backend?: Tensor['backend'] } => {
  const first = Tree.leaves(params)[0]
  return first === undefined ? {} : { backend: first.backend }
}

/**
 * `[count as a number, count + 1]` for a counter made by {@link initCount}.
 *
 * @category utils
 * @since 0.1.0
 */
export const tick = (op: string, count: Tensor): readonly [number, Tensor] => {
  if (count === undefined || count.rank !== 0) {
    throw new TypeError(`${op}: state.count must be a scalar tensor; pass the state returned by init or the previous update`)
  }
  return [count.item(), add(count, 1)]
}

/**
 * Checks a hyperparameter: a finite number in `[lo, hi]` (or `[lo, hi)` with `openHigh`).
 *
 * @category utils
 * @since 0.1.0
 */
export const checkHyper = (
  op: string,
  name: string,
  value: number,
  lo: number,
  hi = Number.POSITIVE_INFINITY,
  openHigh = false,
): void => {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= lo && (openHigh ? value < hi : value <= hi)
  if (!ok) {
    const range = `${lo}, ${hi === Number.POSITIVE_INFINITY ? '∞)' : `${hi}${openHigh ? ')' : ']'}`}`
    throw new RangeError(`${op}: ${name} must be a number in [${range}, got ${String(value)}`)
  }
}

/**
 * Checks a learning rate: a number ≥ 0 or a function.
 *
 * @category utils
 * @since 0.1.0
 */
export const checkRate = (op: string, lr: LearningRate): void => {
  if (typeof lr !== 'function') checkHyper(op, 'lr', lr, 0)
}

/**
 * The current parameters, or an error saying that `op` needs them.
 *
 * @category utils
 * @since 0.1.0
 */
export const requireParams = (op: string, params: TreeT | undefined): TreeT => {
  if (params === undefined) throw new TypeError(`${op}: update needs the current parameters: call update(grads, state, params)`)
  return params
}

/**
 * Applies `f` to each gradient leaf with the matching leaves of the `inputs` trees (state trees of
 * the gradients' structure, or the parameters); `f` returns the update and the new leaf of each
 * state tree named in `outputs`. Returns the updates (of `grads`' type) and the new state trees.
 * Throws a `TypeError` naming the first path where an input's structure differs from the
 * gradients'.
 *
 * @category combinators
 * @since 0.1.0
 */
export const leafwise = <G extends TreeT, I extends string, O extends string>(
  op: string,
  grads: G,
  inputs: Readonly<Record<I, TreeT>>,
  outputs: readonly O[],
  f: (g: Tensor, x: Readonly<Record<I, Tensor>>) => readonly [Tensor, Readonly<Record<O, Tensor>>],
): readonly [G, Readonly<Record<O, TreeT>>] => {
  const [gl, gdef] = Tree.flatten(grads)
  const names = Object.keys(inputs) as I[]
  const flat = names.map((name) => {
    const [leaves, def] = Tree.flatten(inputs[name], name)
    const diff = Tree.structureDiff(def, gdef, name)
    if (diff !== undefined) {
      throw new TypeError(
        `${op}: ${name} does not have the structure of the gradients: ${diff} (the first is ${name}, the other the gradients)`,
      )
    }
    return leaves
  })
  const results = gl.map((g, i) =>
    f(g, Object.fromEntries(names.map((name, k) => [name, flat[k]?.[i] ?? g])) as Record<I, Tensor>),
  )
  let next = 0
  const updates = Tree.map(grads, (g) => results[next++]?.[0] ?? g)
  const states = Object.fromEntries(
    outputs.map((name) => [
      name,
      Tree.unflatten(
        gdef,
        results.map((r) => r[1][name]),
      ),
    ]),
  ) as Record<O, TreeT>
  return [updates, states]
}
