/**
 * Catalog entries for the reductions: sum, mean, prod, max, min and logSumExp over any set of
 * axes (all, none, some; kept or not; negative single axes), logSoftmax and softmax along one
 * axis, and argmax/argmin (zero derivative).
 *
 * Inputs: max, min, argmax, argmin get pairwise distinct values 0.25 apart (no ties); prod gets
 * |x| ∈ [0.5, 1.5] (its rule refuses zeros); logSumExp, logSoftmax, softmax, sum and mean get any
 * x ∈ [−3, 3].
 *
 * @since 0.1.0
 */

import type { Backend, ReduceOptions, Tensor } from '@recur/core'
import * as core from '@recur/core'
import fc from 'fast-check'
import { shape, shapeWithAxes } from '../../arbitraries/shape.js'
import { catalogShapes } from './elementwise.js'
import { arg, awayFromZero, between, type CatalogEntry, distinct, fromPool, type LawCase, pool } from './values.js'

/** Reduce options of every kind: all axes, a list (possibly empty) with or without keepDims, or one negative axis. */
const reduceOptions = fc
  .tuple(shapeWithAxes(catalogShapes), fc.constantFrom('all', 'list', 'negative'), fc.boolean())
  .map(([{ shape: s, axes }, kind, keepDims]): { shape: readonly number[]; options: ReduceOptions } => {
    if (kind === 'all' || s.length === 0) return { shape: s, options: keepDims ? { keepDims } : {} }
    if (kind === 'negative') return { shape: s, options: { axes: (axes[0] ?? 0) - s.length, keepDims } }
    return { shape: s, options: { axes, keepDims } }
  })

const show = (o: ReduceOptions): string =>
  o.axes === undefined && o.keepDims === undefined ? '' : `, ${JSON.stringify(o).replace(/"/g, '')}`

type Data = (backend: Backend, s: readonly number[], values: readonly number[]) => Tensor

/** A catalog entry of one tensor input and a parameter drawn with its shape (reduce options, an axis). */
const oneInput =
  <P>(draw: fc.Arbitrary<{ readonly shape: readonly number[]; readonly param: P }>, label: (p: P) => string) =>
  (
    op: string,
    fn: (x: Tensor, p: P) => Tensor,
    values: fc.Arbitrary<number>,
    data: Data = fromPool,
    derivative: 'smooth' | 'zero' = 'smooth',
  ): CatalogEntry => ({
    op,
    derivative,
    finiteDifferences: true,
    cases: (backend) =>
      fc.tuple(draw, pool(values)).map(
        ([{ shape: s, param }, p]): LawCase => ({
          name: `${op}(x0${label(param)})`,
          f: (...xs) => fn(arg(xs, 0), param),
          primals: [data(backend, s, p)],
        }),
      ),
  })

const reduction = oneInput(
  reduceOptions.map(({ shape: s, options }) => ({ shape: s, param: options })),
  show,
)

/** One axis of a shape of rank ≥ 1, given as a non-negative or negative index. */
const alongAxis = fc
  .tuple(shape({ ...catalogShapes, minRank: 1 }), fc.nat(), fc.boolean())
  .map(([s, k, negative]) => ({ shape: s, param: (k % s.length) - (negative ? s.length : 0) }))

const axisOp = oneInput(alongAxis, (axis: number) => `, ${axis}`)

const anyValue = between(-3, 3)
const distinctData: Data = (backend, s, k) => distinct(backend, s, k)
const distinctKeys = fc.integer({ min: 0, max: 1 << 16 })

/**
 * The reduction entries.
 *
 * @category catalog
 * @since 0.1.0
 */
export const reductionCatalog: readonly CatalogEntry[] = [
  reduction('sum', core.sum, anyValue),
  reduction('mean', core.mean, anyValue),
  reduction('prod', core.prod, awayFromZero(0.5, 1.5)),
  reduction('max', core.max, distinctKeys, distinctData),
  reduction('min', core.min, distinctKeys, distinctData),
  reduction('logSumExp', core.logSumExp, anyValue),
  axisOp('logSoftmax', core.logSoftmax, anyValue),
  axisOp('softmax', core.softmax, anyValue),
  axisOp('argmax', (x, axis) => core.argmax(x, axis), distinctKeys, distinctData, 'zero'),
  axisOp('argmin', (x, axis) => core.argmin(x, axis, true), distinctKeys, distinctData, 'zero'),
]
