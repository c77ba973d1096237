/**
 * Building blocks of the operation catalog: law cases (a function with its primals), element
 * values that stay away from kinks and domain edges *by construction*, fixed-size value pools that
 * fill tensors of any generated shape without `chain`, and the tangents and cotangents the laws
 * need.
 *
 * Values are dyadic (k/2ⁿ for small n) so that they, their sums with dyadic steps, and their
 * float32 casts are exact; this keeps rounding out of the laws where it does not belong.
 *
 * @since 0.1.0
 */
import { type Backend, type DType, fromFlat, Shapes, type Tensor, Tree, type TreeT } from '@recur/core'
import fc from 'fast-check'
import type { Differentiable, FiniteDifferenceOptions } from '../gradients.js'
import { leafValues, showTree } from '../tree.js'

/**
 * A function with the primals to differentiate it at: one case of a law.
 *
 * @category model
 * @since 0.1.0
 */
export interface LawCase {
  /** The call, readable, e.g. `sum(x0, { axes: [1], keepDims: true })`. */
  readonly name: string
  readonly f: Differentiable<readonly Tensor[]>
  readonly primals: readonly Tensor[]
  /** Overrides for the finite-difference law (e.g. a dyadic step for `cast`). */
  readonly fd?: FiniteDifferenceOptions
}

/**
 * One operation of the catalog: how to generate cases of it on a backend, and which laws apply.
 *
 * @category model
 * @since 0.1.0
 */
export interface CatalogEntry {
  /** The public operation, e.g. `matmul`. */
  readonly op: string
  /**
   * `'smooth'`: differentiable at every generated input (all first-order laws apply). `'zero'`:
   * piecewise constant (comparisons, argmax, floor, …) or cut off (stopGradient): derivatives
   * must be exactly 0.
   */
  readonly derivative: 'smooth' | 'zero'
  /** Whether central differences apply (not for integer indices, nor for stopGradient). */
  readonly finiteDifferences: boolean
  readonly cases: (backend: Backend) => fc.Arbitrary<LawCase>
}

/**
 * A law case with everything the first-order laws take: two tangents, a cotangent of the output's
 * shape and two coefficients. Renders itself for counterexamples.
 *
 * @category model
 * @since 0.1.0
 */
export interface LawInputs extends LawCase {
  readonly tangents: readonly Tensor[]
  readonly tangents2: readonly Tensor[]
  readonly cotangents: TreeT
  readonly a: number
  readonly b: number
  readonly [fc.toStringMethod]: () => string
}

/**
 * Multiples of (hi − lo)/4096 in [lo, hi]: exact for dyadic bounds, shrinking towards the middle.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const between = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.integer({ min: -2048, max: 2048 }).map((k) => (lo + hi) / 2 + ((hi - lo) * k) / 4096)

/**
 * ±[lo, hi]: magnitudes at least `lo` (away from 0 for kinks such as |x| and relu, or poles).
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const awayFromZero = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.tuple(fc.boolean(), between(lo, hi)).map(([neg, m]) => (neg ? -m : m))

/**
 * Values in [−3.9, 3.9] whose fractional part lies in [0.1, 0.4] ∪ [0.6, 0.9]: at least 0.1 from
 * every integer and every half, where floor, ceil and round jump.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const offGrid: fc.Arbitrary<number> = fc
  .tuple(fc.integer({ min: -4, max: 3 }), fc.boolean(), between(0.1, 0.4))
  .map(([k, half, u]) => k + (half ? 0.5 : 0) + u)

/**
 * Two value arbitraries whose values are always at least 0.1 apart: integers plus [−0.2, 0.2],
 * and integers plus ½ plus [−0.2, 0.2]. Operands drawn from one each never tie, whatever the
 * broadcasting pairs them with (for maximum, minimum, comparisons).
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const separated: readonly [fc.Arbitrary<number>, fc.Arbitrary<number>] = [
  fc.tuple(fc.integer({ min: -2, max: 2 }), between(-0.2, 0.2)).map(([k, u]) => k + u),
  fc.tuple(fc.integer({ min: -2, max: 1 }), between(-0.2, 0.2)).map(([k, u]) => k + 0.5 + u),
]

/**
 * Dyadic values k/256 in [−1, 1]: tangents and cotangents.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const direction: fc.Arbitrary<number> = fc.integer({ min: -256, max: 256 }).map((k) => k / 256)

/**
 * The elements of tensors of the catalog's shapes are taken from pools of this many values.
 *
 * @category constants
 * @since 0.1.0
 */
export const poolSize = 64

/**
 * `poolSize` values; a tensor of any shape takes its elements from the front (cycling if larger).
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const pool = (values: fc.Arbitrary<number>): fc.Arbitrary<readonly number[]> =>
  fc.array(values, { minLength: poolSize, maxLength: poolSize })

/**
 * A tensor of `shape` and `dtype` on `backend` with elements `values[offset + i]` (cyclically).
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromPool = (
  backend: Backend,
  shape: readonly number[],
  values: readonly number[],
  dtype: DType = 'float64',
  offset = 0,
): Tensor =>
  fromFlat(
    Array.from({ length: Shapes.size(shape) }, (_, i) => values[(offset + i) % values.length] ?? 0),
    shape,
    { backend, dtype },
  )

/**
 * A tensor of `shape` whose elements are pairwise at least `gap` apart (so max/min/argmax never
 * tie): the ranks of `keys[0..n)` (e.g. a {@link pool} of naturals) (ties broken by position) times `gap`, centred on 0, plus
 * `jitter[i]`·`gap`/2 with jitter in [0, 1).
 *
 * @category constructors
 * @since 0.1.0
 */
export const distinct = (backend: Backend, shape: readonly number[], keys: readonly number[], gap = 0.25): Tensor => {
  const n = Shapes.size(shape)
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (keys[i] ?? 0) - (keys[j] ?? 0) || i - j)
  const values = new Array<number>(n).fill(0)
  order.forEach((i, rank) => {
    values[i] = (rank - (n - 1) / 2) * gap + (((keys[i] ?? 0) % 64) / 128) * gap
  })
  return fromFlat(values, shape, { backend, dtype: 'float64' })
}

/**
 * A tensor on one line for names of cases: `[2,1](0.5, -1)`.
 *
 * @category formatting
 * @since 0.1.0
 */
export const showTensor = (t: Tensor): string => `[${t.shape.join(',')}](${t.toFlat().join(', ')})`

/**
 * Argument `i` of a catalog function (the catalog always passes it).
 *
 * @category destructors
 * @since 0.1.0
 */
export const arg = (xs: readonly Tensor[], i: number): Tensor => {
  const x = xs[i]
  if (x === undefined) throw new RangeError(`catalog function called without argument ${i}`)
  return x
}

/** A tree with the structure of `like` filled from `values`, leaf after leaf. */
const fillLike = (backend: Backend, like: TreeT, values: readonly number[]): Tensor[] => {
  let offset = 0
  return leafValues(like).map((l) => {
    const t = fromPool(backend, l.shape, values, l.dtype, offset)
    offset += l.values.length
    return t
  })
}

/**
 * Completes law cases with tangents, a second tangent, a cotangent of the output's structure and
 * shapes (found by evaluating `f` once) and two coefficients in [−2, 2].
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const lawInputs = (backend: Backend, cases: fc.Arbitrary<LawCase>): fc.Arbitrary<LawInputs> =>
  fc
    .tuple(
      cases,
      pool(direction),
      pool(direction),
      pool(direction),
      fc.integer({ min: -32, max: 32 }),
      fc.integer({ min: -32, max: 32 }),
    )
    .map(([c, t1, t2, u, a, b]) => {
      const out = c.f(...c.primals)
      const cotangents = Tree.unflatten(Tree.flatten(out)[1], fillLike(backend, out, u))
      const tangents = c.primals.map((p, i) => fromPool(backend, p.shape, t1, p.dtype, i * 7))
      const tangents2 = c.primals.map((p, i) => fromPool(backend, p.shape, t2, p.dtype, i * 7))
      return {
        ...c,
        tangents,
        tangents2,
        cotangents,
        a: a / 16,
        b: b / 16,
        [fc.toStringMethod]: () =>
          `${c.name} at ${showTree(c.primals, 'x')}; v = ${showTree(tangents, 'v')}; u = ${showTree(cotangents, 'u')}; a = ${a / 16}, b = ${b / 16}`,
      }
    })
