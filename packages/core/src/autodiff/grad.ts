/**
 * Gradients and their compositions: `grad`, `valueAndGrad`, `linearize`, and the
 * forward-over-reverse Hessian-vector product `hvp`.
 *
 * @since 0.1.0
 */
import { onesLike } from '../create.js'
import { Tensor } from '../Tensor.js'
import type { Tree } from '../Tree.js'
import { jvp } from './jvp.js'
import { vjp, vjpWithAux } from './vjp.js'

/**
 * Which positional arguments to differentiate: one index (the gradient is that argument's type)
 * or several (a tuple of their types, in the order given). Default 0.
 *
 * @category model
 * @since 0.1.0
 */
export interface GradOptions<N extends number | readonly number[]> {
  readonly argnums?: N
}

/** The gradient type for `argnums`: one argument's type, or a tuple of them. */
export type GradOf<A extends readonly Tree[], N> = N extends number
  ? A[N]
  : { readonly [K in keyof N]: N[K] extends number ? A[N[K]] : never }

const checkScalar = (op: string, out: unknown): Tensor => {
  if (!(out instanceof Tensor)) {
    throw new TypeError(
      `${op}: f must return a scalar tensor, got ${out === null ? 'null' : Array.isArray(out) ? 'an array' : typeof out}; use vjp for tree outputs`,
    )
  }
  if (out.rank !== 0) {
    throw new TypeError(
      `${op}: f must return a scalar tensor (shape []), got shape [${out.shape.join(', ')}]; reduce it (e.g. sum or mean) or use vjp`,
    )
  }
  return out
}

/** The differentiated argument indices of `options`, checked against the argument count. */
const argnumsOf = (options: GradOptions<number | readonly number[]>, count: number): readonly number[] => {
  const nums: readonly number[] =
    options.argnums === undefined ? [0] : typeof options.argnums === 'number' ? [options.argnums] : options.argnums
  nums.forEach((n) => {
    if (!Number.isInteger(n) || n < 0 || n >= count) {
      throw new RangeError(`grad: argnums ${n} is out of range for ${count} argument(s)`)
    }
  })
  return nums
}

/** `args` with the arguments at `nums` replaced by `picked`. */
const pick = <A extends readonly Tree[]>(args: A, nums: readonly number[], picked: readonly Tree[]): A => {
  const all: readonly Tree[] = args.map((a, i) => {
    const k = nums.indexOf(i)
    return k >= 0 ? picked[k] : a
  })
  return all as A
}

/**
 * `(...args) => [f(...args), ∇f(...args)]` for a scalar-valued `f`. The gradient has the type of
 * the differentiated argument(s) (see {@link GradOptions}); arguments that `f` does not use get
 * zeros. Throws a `TypeError` if `f` returns anything but a tensor of shape `[]`.
 *
 * @category transformations
 * @since 0.1.0
 */
export const valueAndGrad =
  <A extends readonly Tree[], N extends number | readonly number[] = 0>(
    f: (...args: A) => Tensor,
    options: GradOptions<N> = {},
  ) =>
  (...args: A): [Tensor, GradOf<A, N>] => {
    const nums = argnumsOf(options, args.length)
    const [value, pullback] = vjp(
      (...picked: Tree[]) => checkScalar('grad', f(...pick(args, nums, picked))),
      nums.map((n) => args[n]),
    )
    const grads = pullback(onesLike(value))
    return [value, (typeof options.argnums === 'number' || options.argnums === undefined ? grads[0] : grads) as GradOf<A, N>]
  }

/**
 * {@link valueAndGrad} for an `f` that returns `[scalar, aux]`: `(...args) => [[value, aux],
 * gradient]`, where `aux` (any tree: a recurrent state to carry on, metrics) comes back as plain
 * values and is not differentiated (JAX's `value_and_grad(has_aux=True)`).
 *
 * @example
 * const [[loss, state], grads] = valueAndGradWithAux((p: Params) => lossAndFinalState(p, batch))(params)
 *
 * @category transformations
 * @since 0.1.0
 */
export const valueAndGradWithAux =
  <A extends readonly Tree[], X extends Tree, N extends number | readonly number[] = 0>(
    f: (...args: A) => readonly [Tensor, X],
    options: GradOptions<N> = {},
  ) =>
  (...args: A): [readonly [Tensor, X], GradOf<A, N>] => {
    const nums = argnumsOf(options, args.length)
    const [value, pullback, aux] = vjpWithAux(
      (...picked: Tree[]) => {
        const [out, x] = f(...pick(args, nums, picked))
        return [checkScalar('grad', out), x] as const
      },
      nums.map((n) => args[n]),
    )
    const grads = pullback(onesLike(value))
    return [
      [value, aux],
      (typeof options.argnums === 'number' || options.argnums === undefined ? grads[0] : grads) as GradOf<A, N>,
    ]
  }

/**
 * `(...args) => ∇f(...args)` for a scalar-valued `f`; see {@link valueAndGrad}.
 *
 * @example
 * const dloss = grad((params: Params, batch: Batch) => loss(params, batch)) // ∂/∂params
 *
 * @category transformations
 * @since 0.1.0
 */
export const grad =
  <A extends readonly Tree[], N extends number | readonly number[] = 0>(
    f: (...args: A) => Tensor,
    options: GradOptions<N> = {},
  ) =>
  (...args: A): GradOf<A, N> =>
    valueAndGrad(f, options)(...args)[1]

/**
 * `[f(...primals), tangents => J·tangents]`: the value and the linear map of forward mode at
 * `primals`. Each call of the linear map runs forward mode again (values are not cached).
 *
 * @category transformations
 * @since 0.1.0
 */
export const linearize = <A extends readonly Tree[], O extends Tree>(
  f: (...args: A) => O,
  primals: A,
): [O, (tangents: A) => O] => [f(...primals), (tangents) => jvp(f, primals, tangents)[1]]

/**
 * Hessian-vector product `∇²f(x)·v` of a scalar-valued `f`, by forward mode over reverse mode.
 * `x` and `v` are trees of the same structure; so is the result.
 *
 * @category transformations
 * @since 0.1.0
 */
export const hvp = <X extends Tree>(f: (x: X) => Tensor, x: X, v: X): X => jvp((y: X) => grad(f)(y), [x], [v])[1]
