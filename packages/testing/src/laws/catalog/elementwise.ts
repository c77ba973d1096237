/**
 * Catalog entries for the elementwise operations: unary functions, broadcasting binary arithmetic
 * (tensor–tensor with broadcasting in every position, and tensor–number both ways), comparisons,
 * `where`, `clip`, `cast` and `stopGradient`. Inputs avoid kinks and domain edges by construction:
 *
 * - log, sqrt, rsqrt: x ∈ [0.5, 3]; log1p: x ∈ [−0.5, 3]; reciprocal and div's denominator:
 *   |x| ≥ 0.5; pow: base ∈ [0.5, 2], exponent ∈ [−2, 2];
 * - abs, relu, sign: |x| ≥ 0.1; floor, ceil, round: x at least 0.1 from every integer and half;
 * - maximum, minimum, comparisons: operands at least 0.1 apart; clip(x, −1, 1): |x ∓ 1| ≥ 0.1;
 * - everything else: x ∈ [−3, 3].
 *
 * @since 0.1.0
 */

import type { Backend, BinaryFn, Tensor } from '@recur/core'
import * as core from '@recur/core'
import fc from 'fast-check'
import { broadcastShapes, shape } from '../../arbitraries/shape.js'
import {
  arg,
  awayFromZero,
  between,
  type CatalogEntry,
  fromPool,
  type LawCase,
  offGrid,
  pool,
  separated,
  showTensor,
} from './values.js'

/**
 * Shapes of the catalog: rank 0–3, dimensions 1–3 (scalars and size-1 dimensions included).
 *
 * @category constants
 * @since 0.1.0
 */
export const catalogShapes = { maxRank: 3, minDim: 1, maxDim: 3 } as const

const anyValue = between(-3, 3)

const unary = (
  op: string,
  fn: (x: Tensor) => Tensor,
  values: fc.Arbitrary<number>,
  derivative: 'smooth' | 'zero' = 'smooth',
): CatalogEntry => ({
  op,
  derivative,
  finiteDifferences: op !== 'stopGradient',
  cases: (backend) =>
    fc
      .tuple(shape(catalogShapes), pool(values))
      .map(([s, p]): LawCase => ({ name: `${op}(x0)`, f: (...xs) => fn(arg(xs, 0)), primals: [fromPool(backend, s, p)] })),
})

/** Tensor–tensor cases with broadcasting; `swap` exchanges which operand draws from which values. */
const tensorPairs = (
  backend: Backend,
  op: string,
  fn: (a: Tensor, b: Tensor) => Tensor,
  va: fc.Arbitrary<number>,
  vb: fc.Arbitrary<number>,
  swappable: boolean,
) =>
  fc.tuple(broadcastShapes(2, catalogShapes), pool(va), pool(vb), fc.boolean()).map(([{ inputs }, pa, pb, swap]): LawCase => {
    const [qa, qb] = swappable && swap ? [pb, pa] : [pa, pb]
    return {
      name: `${op}(x0, x1)`,
      f: (...xs) => fn(arg(xs, 0), arg(xs, 1)),
      primals: [fromPool(backend, inputs[0] ?? [], qa), fromPool(backend, inputs[1] ?? [], qb)],
    }
  })

/** Tensor–number cases, the number on either side. */
const literalPairs = (backend: Backend, op: string, fn: BinaryFn, va: fc.Arbitrary<number>, vb: fc.Arbitrary<number>) =>
  fc.tuple(shape(catalogShapes), pool(va), pool(vb), fc.boolean()).map(([s, pa, pb, numberFirst]): LawCase => {
    const c = numberFirst ? (pa[0] ?? 1) : (pb[0] ?? 1)
    const x = fromPool(backend, s, numberFirst ? pb : pa)
    return numberFirst
      ? { name: `${op}(${c}, x0)`, f: (...xs) => fn(c, arg(xs, 0)), primals: [x] }
      : { name: `${op}(x0, ${c})`, f: (...xs) => fn(arg(xs, 0), c), primals: [x] }
  })

const binary = (
  op: string,
  fn: BinaryFn,
  va: fc.Arbitrary<number>,
  vb: fc.Arbitrary<number>,
  options: { readonly derivative?: 'smooth' | 'zero'; readonly swappable?: boolean } = {},
): readonly CatalogEntry[] => [
  {
    op,
    derivative: options.derivative ?? 'smooth',
    finiteDifferences: true,
    cases: (backend) => tensorPairs(backend, op, fn, va, vb, options.swappable ?? false),
  },
  {
    op: `${op} (number)`,
    derivative: options.derivative ?? 'smooth',
    finiteDifferences: true,
    cases: (backend) => literalPairs(backend, op, fn, va, vb),
  },
]

const [sepA, sepB] = separated
/** Values of maximum/minimum/comparison operands: always ≥ 0.1 apart (either side may be either kind). */
const gapped = (op: string, fn: BinaryFn, derivative: 'smooth' | 'zero') =>
  binary(op, fn, sepA, sepB, { derivative, swappable: true })

/** Away from the kinks of clip(x, −1, 1) at ±1. */
const clipValues = fc.tuple(fc.boolean(), fc.oneof(between(0, 0.9), between(1.1, 3))).map(([neg, m]) => (neg ? -m : m))

/** Dyadic values k/1024 in [−4, 4], exact in float32. */
const dyadic = fc.integer({ min: -4096, max: 4096 }).map((k) => k / 1024)

const where: CatalogEntry = {
  op: 'where',
  derivative: 'smooth',
  finiteDifferences: true,
  cases: (backend) =>
    fc
      .tuple(broadcastShapes(3, catalogShapes), pool(fc.constantFrom(0, 1)), pool(anyValue), pool(anyValue))
      .map(([{ inputs }, pc, pa, pb]): LawCase => {
        const cond = fromPool(backend, inputs[0] ?? [], pc)
        return {
          name: `where(${showTensor(cond)}, x0, x1)`,
          f: (...xs) => core.where(cond, arg(xs, 0), arg(xs, 1)),
          primals: [fromPool(backend, inputs[1] ?? [], pa), fromPool(backend, inputs[2] ?? [], pb)],
        }
      }),
}

/** cast both ways on dyadic values, with a dyadic step (2⁻⁸) so that every difference is exact. */
const cast = (from: 'float32' | 'float64', to: 'float32' | 'float64'): CatalogEntry => ({
  op: `cast ${from}→${to}`,
  derivative: 'smooth',
  finiteDifferences: true,
  cases: (backend) =>
    fc.tuple(shape(catalogShapes), pool(dyadic)).map(
      ([s, p]): LawCase => ({
        name: `cast(x0: ${from}, '${to}')`,
        f: (...xs) => core.cast(arg(xs, 0), to),
        primals: [fromPool(backend, s, p, from)],
        fd: { eps: 2 ** -8 },
      }),
    ),
})

/**
 * The elementwise entries.
 *
 * @category catalog
 * @since 0.1.0
 */
export const elementwiseCatalog: readonly CatalogEntry[] = [
  unary('neg', core.neg, anyValue),
  unary('abs', core.abs, awayFromZero(0.1, 3)),
  unary('square', core.square, anyValue),
  unary('sqrt', core.sqrt, between(0.5, 3)),
  unary('rsqrt', core.rsqrt, between(0.5, 3)),
  unary('reciprocal', core.reciprocal, awayFromZero(0.5, 3)),
  unary('exp', core.exp, anyValue),
  unary('expm1', core.expm1, anyValue),
  unary('log', core.log, between(0.5, 3)),
  unary('log1p', core.log1p, between(-0.5, 3)),
  unary('sin', core.sin, anyValue),
  unary('cos', core.cos, anyValue),
  unary('tanh', core.tanh, anyValue),
  unary('sigmoid', core.sigmoid, anyValue),
  unary('softplus', core.softplus, anyValue),
  unary('relu', core.relu, awayFromZero(0.1, 3)),
  unary('clip', (x) => core.clip(x, -1, 1), clipValues),
  unary('sign', core.sign, awayFromZero(0.1, 3), 'zero'),
  unary('floor', core.floor, offGrid, 'zero'),
  unary('ceil', core.ceil, offGrid, 'zero'),
  unary('round', core.round, offGrid, 'zero'),
  unary('stopGradient', core.stopGradient, anyValue, 'zero'),
  ...binary('add', core.add, anyValue, anyValue),
  ...binary('sub', core.sub, anyValue, anyValue),
  ...binary('mul', core.mul, anyValue, anyValue),
  ...binary('div', core.div, anyValue, awayFromZero(0.5, 3)),
  ...binary('pow', core.pow, between(0.5, 2), between(-2, 2)),
  ...gapped('maximum', core.maximum, 'smooth'),
  ...gapped('minimum', core.minimum, 'smooth'),
  ...gapped('equal', core.equal, 'zero'),
  ...gapped('notEqual', core.notEqual, 'zero'),
  ...gapped('less', core.less, 'zero'),
  ...gapped('lessEqual', core.lessEqual, 'zero'),
  ...gapped('greater', core.greater, 'zero'),
  ...gapped('greaterEqual', core.greaterEqual, 'zero'),
  where,
  cast('float64', 'float32'),
  cast('float32', 'float64'),
]
