/**
 * Arbitraries for shapes, built by construction (tuples and `map`; no `filter`), so they shrink
 * towards small, low-rank shapes.
 *
 * @since 0.1.0
 */
import type { Shape } from '@recur/core'
import fc from 'fast-check'

/**
 * Bounds for generated shapes.
 *
 * @category model
 * @since 0.1.0
 */
export interface ShapeConstraints {
  /** Largest rank (default 4). */
  readonly maxRank?: number
  /** Smallest rank (default 0: scalars included). */
  readonly minRank?: number
  /** Largest dimension (default 4). Dimensions start at 0 unless `minDim` says otherwise. */
  readonly maxDim?: number
  /** Smallest dimension (default 0: empty tensors included). */
  readonly minDim?: number
}

/**
 * Shapes of rank `minRank..maxRank` with dimensions `minDim..maxDim`, including scalars, size-0
 * and size-1 dimensions by default.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const shape = (c: ShapeConstraints = {}): fc.Arbitrary<Shape> =>
  fc.array(fc.integer({ min: c.minDim ?? 0, max: c.maxDim ?? 4 }), { minLength: c.minRank ?? 0, maxLength: c.maxRank ?? 4 })

/**
 * A shape that broadcasts to `target`: some leading dimensions dropped, some others set to 1.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const broadcastableTo = (target: Shape): fc.Arbitrary<Shape> =>
  fc
    .tuple(
      fc.integer({ min: 0, max: target.length }),
      fc.array(fc.boolean(), { minLength: target.length, maxLength: target.length }),
    )
    .map(([drop, ones]) => target.slice(drop).map((d, i) => (ones[i + drop] === true ? 1 : d)))

/**
 * `count` shapes that broadcast together, with their broadcast shape: every operand may be
 * broadcast in any position (missing leading dimensions, or size 1).
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const broadcastShapes = (count: number, c: ShapeConstraints = {}): fc.Arbitrary<{ out: Shape; inputs: Shape[] }> =>
  shape(c).chain((out) =>
    fc.array(broadcastableTo(out), { minLength: count, maxLength: count }).map((inputs) => ({ out, inputs })),
  )

/**
 * A shape with a sorted list of distinct axes of it (possibly empty).
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const shapeWithAxes = (c: ShapeConstraints = {}): fc.Arbitrary<{ shape: Shape; axes: number[] }> =>
  shape(c).chain((s) =>
    fc
      .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
      .map((pick) => ({ shape: s, axes: s.flatMap((_, i) => (pick[i] === true ? [i] : [])) })),
  )
