/**
 * The gradient law of a recurrent layer: the derivatives of `output`, `h_n` and `c_n` with
 * respect to the input, the given initial states and every parameter are right, in float64.
 *
 * With f(inputs) = `{ output, h_n, c_n? }` of one call, inputs = `{ x, params, h0?, c0? }`, a
 * random cotangent u (standard normal, one per output element) and a random tangent v (standard
 * normal, one per input element):
 *
 * 1. **reverse mode vs central differences**: ⟨Jᵀu, v⟩ from `vjp` equals
 *    (g(x + h·v) − g(x − h·v)) / 2h with g = ⟨u, f⟩. A directional derivative along a random
 *    direction of every input at once touches every entry for the price of two evaluations (a
 *    wrong entry would have to be cancelled exactly by another, which a random v never does); on
 *    a failure the check is repeated leaf by leaf (`x`, `h0`, `c0`, each parameter) to name the
 *    leaf whose direction alone fails worst;
 * 2. **forward mode vs reverse mode**: ⟨u, J·v⟩ from `jvp` equals ⟨Jᵀu, v⟩ from `vjp`
 *    (the law of `vjpIsTransposeOfJvp`, JAX's `check_vjp`); on a failure, the leaf whose tangent alone
 *    breaks it most is named.
 *
 * Tolerances. (1) The step is h = `eps`·max(1, ‖x‖∞)/‖v‖∞ rounded down to a power of two
 * (`eps` 1e-6). Central differences err by h²·|g‴|/6 (≈ 1e-13 here: the maps are tanh, sigmoid,
 * relu and products of them, with weights of size 1/√H) plus the rounding of g, about
 * ε₆₄·κ·S/h with S = Σ|uⱼ·fⱼ| the size of g's terms and κ a small amplification over the ≤ 3·4
 * layer-steps. The check allows `rtol`·Σ|(Jᵀu)ᵢ·vᵢ| + `atol`·max(1, S), defaults rtol 1e-6 and
 * atol 1e-8 (ε₆₄/h ≈ 1e-10, so κ up to 100 still passes; over the 864 configurations of
 * {@link rnnProblemGrid} the largest error seen is reported in the suite's log). A wrong
 * derivative — a dropped term, a transposed weight, a gradient that does not reach the initial
 * state — is off by a fraction of the terms of the leaf it touches, far above 1e-6 of all terms.
 * (2) Both sides are the same sum of products in two orders, so `transposeRtol` 1e-10 of the
 * magnitudes summed plus ‖u‖·‖v‖ (as `vjpIsTransposeOfJvp`).
 *
 * Generate inputs away from kinks: `RNN_RELU` has one at 0, and a pre-activation within h of it
 * breaks central differences (data drawn uniformly from a seed, as {@link rnnProblemGrid} does,
 * essentially never is).
 *
 * @since 0.1.0
 */
import { fromFlat, jvp, Random, type Tensor, Tree, type TreeT, vjp } from '@recur/core'
import type fc from 'fast-check'
import { type RnnProblem, type RnnProblemConstraints, rnnProblem } from '../../arbitraries/rnn.js'
import { resampleRnnData } from '../../arbitraries/rnnGrid.js'
import { reference } from '../../reference.js'
import { axpy, innerProduct, leafValues, maxAbs } from '../tree.js'
import {
  describeProblem,
  type PropertyLaw,
  propertyLaw,
  type RecurrentLayer,
  type RnnPlace,
  rnnCall,
  runOptions,
} from './layer.js'

/**
 * Steps, tolerances and seeds of {@link rnnGradientCheck} (see the module header).
 *
 * @category model
 * @since 0.1.0
 */
export interface RnnGradientOptions {
  /** float64 tensors on this backend (default: the reference backend). */
  readonly place?: RnnPlace
  /** Relative step of the central differences (default 1e-6). */
  readonly eps?: number
  /** Tolerance relative to the size of the leaf's terms (default 1e-6). */
  readonly rtol?: number
  /** Tolerance relative to max(1, Σ|uⱼ·fⱼ|) (default 1e-8). */
  readonly atol?: number
  /** Tolerance of ⟨u, J·v⟩ = ⟨Jᵀu, v⟩ (default 1e-10). */
  readonly transposeRtol?: number
  /** Seed of the random cotangent and tangents (default: the problem's seed + 1). */
  readonly seed?: number
}

/** The differentiated inputs of one call (absent initial states are zeros, not inputs). */
type Inputs = {
  readonly x: Tensor
  readonly params: { readonly [name: string]: Tensor }
  readonly h0?: Tensor
  readonly c0?: Tensor
}

/** A standard normal tree with the structure and shapes of `like`. */
const normalLike = <T extends TreeT>(like: T, key: Random.Key): T => {
  const [leaves, def] = Tree.flatten(like)
  const keys = Random.split(key, Math.max(1, leaves.length))
  return Tree.unflatten(
    def,
    leaves.map((l, i) => Random.normal(keys[i] ?? key, l.shape, { dtype: l.dtype, backend: l.backend })),
  ) as T
}

/** `tree` with every leaf but number `keep` zeroed. */
const onlyLeaf = <T extends TreeT>(tree: T, keep: number): T => {
  const [leaves, def] = Tree.flatten(tree)
  return Tree.unflatten(
    def,
    leaves.map((l, i) =>
      i === keep ? l : fromFlat(new Array<number>(l.size).fill(0), l.shape, { dtype: l.dtype, backend: l.backend }),
    ),
  ) as T
}

/**
 * What {@link rnnGradientReport} found: the error of each check over its tolerance (≤ 1 passes),
 * and a message naming the check, the leaf and the numbers when one failed.
 *
 * @category model
 * @since 0.1.0
 */
export interface RnnGradientReport {
  readonly ok: boolean
  /** |⟨Jᵀu, v⟩ − central differences| / tolerance. */
  readonly finiteDifferenceRatio: number
  /** |⟨u, J·v⟩ − ⟨Jᵀu, v⟩| / tolerance. */
  readonly transposeRatio: number
  readonly message?: string
}

/**
 * Runs both checks of the module header for one problem and reports how close each came to its
 * tolerance.
 *
 * @category laws
 * @since 0.1.0
 */
export const rnnGradientReport = <C>(
  layer: RecurrentLayer<C>,
  problem: RnnProblem,
  options: RnnGradientOptions = {},
): RnnGradientReport => {
  const place = options.place ?? { backend: reference, dtype: 'float64' }
  if (place.dtype !== 'float64')
    throw new TypeError(`rnnGradientCheck: place.dtype is ${place.dtype}; central differences need float64`)
  const eps = options.eps ?? 1e-6
  const rtol = options.rtol ?? 1e-6
  const atol = options.atol ?? 1e-8
  const transposeRtol = options.transposeRtol ?? 1e-10
  const k = rnnCall(layer, problem, place)
  const f = (inputs: Inputs): TreeT => {
    const r = layer.run(k.config, inputs.params, inputs.x, runOptions(inputs.h0, inputs.c0, k.lengths))
    return r.c_n === undefined ? { output: r.output, h_n: r.h_n } : { output: r.output, h_n: r.h_n, c_n: r.c_n }
  }
  const inputs: Inputs = {
    x: k.x,
    params: k.params,
    ...(k.h0 === undefined ? {} : { h0: k.h0 }),
    ...(k.c0 === undefined ? {} : { c0: k.c0 }),
  }
  const [keyU, keyV] = Random.split(Random.key(options.seed ?? problem.seed + 1), 2)
  const [y, pullback] = vjp(f, [inputs])
  const u = normalLike(y, keyU ?? Random.key(0))
  const v = normalLike(inputs, keyV ?? Random.key(1))
  const [ct] = pullback(u)
  const g = (at: Inputs) => innerProduct(u, f(at))
  const S = g(inputs).scale
  const vs = leafValues(v, 'inputs')
  const ratio = (err: number, tol: number): number => (Number.isNaN(err) ? Number.POSITIVE_INFINITY : err / tol)

  /** Central differences of g along `dir` against ⟨Jᵀu, dir⟩. */
  const along = (dir: Inputs, what: string): { readonly ratio: number; readonly message: string } => {
    const norm = maxAbs(dir)
    const h = 2 ** Math.floor(Math.log2((eps * Math.max(1, maxAbs(inputs))) / (norm > 0 ? norm : 1)))
    const numeric = (g(axpy(h, dir, inputs)).value - g(axpy(-h, dir, inputs)).value) / (2 * h)
    const analytic = innerProduct(ct, dir)
    const tol = rtol * analytic.scale + atol * Math.max(1, S)
    const err = Math.abs(analytic.value - numeric)
    return {
      ratio: ratio(err, tol),
      message: `reverse mode vs central differences along ${what}: ⟨Jᵀu, v⟩ = ${analytic.value} but the difference quotient is ${numeric} (|Δ| = ${err.toExponential(2)}, tolerance ${tol.toExponential(2)}, h = ${h})`,
    }
  }
  /** ⟨u, J·dir⟩ against ⟨Jᵀu, dir⟩, with the tolerance of {@link vjpIsTransposeOfJvp}. */
  const transposed = (dir: Inputs, what: string): { readonly ratio: number; readonly message: string } => {
    const lhs = innerProduct(u, jvp(f, [inputs], [dir])[1])
    const rhs = innerProduct(ct, dir)
    const err = Math.abs(lhs.value - rhs.value)
    const tol = transposeRtol * (lhs.scale + rhs.scale + Math.sqrt(innerProduct(u, u).value * innerProduct(dir, dir).value))
    return {
      ratio: ratio(err, tol),
      message: `forward mode vs reverse mode along ${what}: ⟨u, J·v⟩ = ${lhs.value} but ⟨Jᵀu, v⟩ = ${rhs.value} (|Δ| = ${err.toExponential(2)}, tolerance ${tol.toExponential(2)})`,
    }
  }
  /** The joint check; on a failure, the leaf whose direction alone fails worst (or the joint message). */
  const localised = (check: typeof along) => {
    const joint = check(v, 'every input')
    if (joint.ratio <= 1) return { ratio: joint.ratio, message: undefined }
    const worst = vs.map((leaf, i) => check(onlyLeaf(v, i), leaf.path)).reduce((a, b) => (b.ratio > a.ratio ? b : a))
    return { ratio: joint.ratio, message: worst.ratio > 1 ? worst.message : joint.message }
  }
  const fd = localised(along)
  const tr = localised(transposed)
  const message = fd.message ?? tr.message
  return {
    ok: message === undefined,
    finiteDifferenceRatio: fd.ratio,
    transposeRatio: tr.ratio,
    ...(message === undefined ? {} : { message }),
  }
}

/**
 * Checks the gradient law of the module header for one problem: `undefined` when it holds, else a
 * message naming the check, the leaf and the numbers.
 *
 * @example
 * const failure = rnnGradientCheck({ config, initParams, run }, problem, { place: { backend: cpu, dtype: 'float64' } })
 * expect(failure).toBeUndefined()
 *
 * @category laws
 * @since 0.1.0
 */
export const rnnGradientCheck = <C>(
  layer: RecurrentLayer<C>,
  problem: RnnProblem,
  options: RnnGradientOptions = {},
): string | undefined => rnnGradientReport(layer, problem, options).message

/**
 * {@link rnnGradientCheck} as a {@link PropertyLaw} over generated problems (float64; by
 * default hidden ≤ 3, L ≤ 4, N ≤ 2, batched or not, with or without `lengths` and initial states,
 * every mode), whose numbers are redrawn uniformly by {@link resampleRnnData} so that `RNN_RELU`
 * stays off its kink (see the module header).
 *
 * @example
 * fc.assert(rnnGradientLaw({ config, initParams, run }, { problems: { modes: ['LSTM', 'GRU'] } }).property(), { numRuns: 20 })
 *
 * @category laws
 * @since 0.1.0
 */
export const rnnGradientLaw = <C>(
  layer: RecurrentLayer<C>,
  options: RnnGradientOptions & { readonly problems?: RnnProblemConstraints } = {},
): PropertyLaw<RnnProblem> => {
  const name = 'gradients of output and final states agree with central differences and forward mode'
  const arbitrary: fc.Arbitrary<RnnProblem> = rnnProblem({
    maxHiddenSize: 3,
    maxSeqLength: 4,
    maxBatch: 2,
    ...options.problems,
  }).map(resampleRnnData)
  return propertyLaw(name, options.rtol ?? 1e-6, arbitrary, (p) => {
    const failure = rnnGradientCheck(layer, p, options)
    return failure === undefined ? undefined : `${name}: fails for ${describeProblem(p)}: ${failure}`
  })
}
