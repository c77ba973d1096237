/**
 * Shape rules of the fused recurrent-cell primitives. Every operand has the same leading
 * dimensions `…` (any number, possibly none); the last axis holds the gates.
 *
 * - `lstmGates`: gates `(…, 4H)`, c `(…, H)` → h, c' `(…, H)`.
 * - `lstmGatesBackward`: gates `(…, 4H)`, c, dh, dc' `(…, H)` → d gates `(…, 4H)`, d c `(…, H)`.
 * - `gruGates`: xp `(…, 3H)`, hp `(…, 3H)`, h `(…, H)` → `(…, H)`.
 * - `gruGatesBackward`: xp, hp `(…, 3H)`, h, ct `(…, H)` → d xp, d hp `(…, 3H)`, d h `(…, H)`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import { equals, type Shape } from '../Shape.js'
import { formatShape, type ShapeError, shapeError } from '../ShapeError.js'

/** The leading dimensions and the width of the last axis; `undefined` for a scalar. */
const split = (s: Shape): readonly [Shape, number] | undefined =>
  s.length === 0 ? undefined : [s.slice(0, -1), s[s.length - 1] ?? 0]

/**
 * Checks `shapes` (named by `names`) against a gate layout: the first operand is `(…, k·H)`, every
 * other operand `i` must be `(…, widths[i]·H)`. Returns `[…, H]` or the error naming the first
 * operand at fault.
 */
const gateLayout = (
  op: string,
  names: readonly string[],
  shapes: readonly Shape[],
  gates: string,
  widths: readonly number[],
): E.Either<ShapeError, readonly [Shape, number]> => {
  const named = () => Object.fromEntries(shapes.map((s, i) => [names[i] ?? `input ${i}`, s]))
  const first = shapes[0] ?? []
  const k = widths[0] ?? 1
  const parts = split(first)
  if (parts === undefined)
    return E.left(
      shapeError(op, names[0] ?? '', `${names[0]} must have at least one axis, (…, ${k}H) with gates ${gates}`, named()),
    )
  const [lead, width] = parts
  if (width % k !== 0)
    return E.left(
      shapeError(
        op,
        names[0] ?? '',
        `${names[0]} has ${width} entries on its last axis, not a multiple of ${k} (gates ${gates}, each of hidden size H)`,
        named(),
      ),
    )
  const h = width / k
  for (let i = 1; i < shapes.length; i++) {
    const want = [...lead, (widths[i] ?? 1) * h]
    const got = shapes[i] ?? []
    if (!equals(got, want)) {
      const w = widths[i] ?? 1
      return E.left(
        shapeError(
          op,
          names[i] ?? '',
          `${names[i]} must have shape ${formatShape(want)} = (…, ${w === 1 ? '' : w}H) with H = ${h} and the leading dimensions ${formatShape(lead)} of ${names[0]}, but it has ${formatShape(got)}`,
          named(),
        ),
      )
    }
  }
  return E.right([lead, h])
}

const out = (r: E.Either<ShapeError, readonly [Shape, number]>, widths: readonly number[]): E.Either<ShapeError, Shape[]> =>
  E.map(([lead, h]: readonly [Shape, number]): Shape[] => widths.map((k) => [...lead, k * h]))(r)

/** `lstmGates`: gates `(…, 4H)`, c `(…, H)` → h, c' `(…, H)`. */
export const lstmGatesShape = (op: string, shapes: readonly Shape[]): E.Either<ShapeError, Shape[]> =>
  out(gateLayout(op, ['gates', 'c'], shapes, 'i, f, g, o', [4, 1]), [1, 1])

/** `lstmGatesBackward`: gates `(…, 4H)`, c, dh, dc' `(…, H)` → d gates `(…, 4H)`, d c `(…, H)`. */
export const lstmGatesBackwardShape = (op: string, shapes: readonly Shape[]): E.Either<ShapeError, Shape[]> =>
  out(gateLayout(op, ['gates', 'c', 'dh', 'dc'], shapes, 'i, f, g, o', [4, 1, 1, 1]), [4, 1])

/** `gruGates`: xp `(…, 3H)`, hp `(…, 3H)`, h `(…, H)` → `(…, H)`. */
export const gruGatesShape = (op: string, shapes: readonly Shape[]): E.Either<ShapeError, Shape> =>
  E.map((s: Shape[]) => s[0] ?? [])(out(gateLayout(op, ['xp', 'hp', 'h'], shapes, 'r, z, n', [3, 3, 1]), [1]))

/** `gruGatesBackward`: xp, hp `(…, 3H)`, h, ct `(…, H)` → d xp, d hp `(…, 3H)`, d h `(…, H)`. */
export const gruGatesBackwardShape = (op: string, shapes: readonly Shape[]): E.Either<ShapeError, Shape[]> =>
  out(gateLayout(op, ['xp', 'hp', 'h', 'ct'], shapes, 'r, z, n', [3, 3, 1, 1]), [3, 3, 1])
