/**
 * Shapes: dimension lists, their sizes, row-major strides and NumPy broadcasting.
 *
 * Laws:
 * - `size(s) === s.reduce((a, b) => a * b, 1)`; a scalar has shape `[]` and size 1.
 * - `broadcast(a, b)` is commutative, `broadcast(a, a) = a`, and `broadcast(a, [])` = a.
 * - Every check returns `Either`; nothing here throws.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import { formatShape, type ShapeError, shapeError } from './ShapeError.js'

/**
 * A list of dimensions, outermost first. `[]` is a scalar.
 *
 * @category model
 * @since 0.1.0
 */
export type Shape = readonly number[]

/**
 * The number of elements of a shape.
 *
 * @category accessors
 * @since 0.1.0
 */
export const size = (shape: Shape): number => {
  let n = 1
  for (let i = 0; i < shape.length; i++) n *= shape[i] ?? 1
  return n
}

/**
 * Row-major (C order) strides, in elements.
 *
 * @category accessors
 * @since 0.1.0
 */
export const strides = (shape: Shape): number[] => {
  const out = new Array<number>(shape.length)
  let acc = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = acc
    acc *= shape[i] ?? 1
  }
  return out
}

/**
 * Strides that read `shape` as if it were broadcast to `outShape`: a broadcast dimension gets
 * stride 0. `shape` must broadcast to `outShape` (see {@link broadcast}).
 *
 * @category accessors
 * @since 0.1.0
 */
export const broadcastStrides = (shape: Shape, outShape: Shape): number[] => {
  const own = strides(shape)
  const offset = outShape.length - shape.length
  const out = new Array<number>(outShape.length).fill(0)
  for (let i = 0; i < shape.length; i++) out[i + offset] = shape[i] === 1 ? 0 : (own[i] ?? 0)
  return out
}

/**
 * `true` when both shapes have the same dimensions.
 *
 * @category equality
 * @since 0.1.0
 */
export const equals = (a: Shape, b: Shape): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * Checks that every dimension is a non-negative integer.
 *
 * @category validation
 * @since 0.1.0
 */
export const check = (op: string, arg: string, shape: readonly unknown[]): E.Either<ShapeError, Shape> => {
  if (!Array.isArray(shape)) return E.left(shapeError(op, arg, `shape must be an array of dimensions, got ${String(shape)}`))
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i]
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      return E.left(
        shapeError(op, arg, `dimension ${i} is ${String(d)}; dimensions must be finite non-negative integers`, {
          [arg]: shape.map((x) => (typeof x === 'number' ? x : Number.NaN)),
        }),
      )
    }
  }
  return E.right(shape.map(Number))
}

/**
 * NumPy broadcasting of two shapes: align on the right; each pair of dimensions must be equal or
 * one of them 1.
 *
 * @category combinators
 * @since 0.1.0
 */
export const broadcast = (
  op: string,
  [argA, a]: readonly [string, Shape],
  [argB, b]: readonly [string, Shape],
): E.Either<ShapeError, Shape> => {
  const rank = Math.max(a.length, b.length)
  const out = new Array<number>(rank)
  for (let i = 1; i <= rank; i++) {
    const da = a[a.length - i] ?? 1
    const db = b[b.length - i] ?? 1
    if (da !== db && da !== 1 && db !== 1) {
      return E.left(
        shapeError(
          op,
          argB,
          `cannot broadcast ${argA} ${formatShape(a)} with ${argB} ${formatShape(b)}: dimension ${-i} is ${da} vs ${db}`,
          { [argA]: a, [argB]: b },
        ),
      )
    }
    out[rank - i] = da === 1 ? db : da
  }
  return E.right(out)
}

/**
 * Broadcasts any number of named shapes together.
 *
 * @category combinators
 * @since 0.1.0
 */
export const broadcastAll = (op: string, named: readonly (readonly [string, Shape])[]): E.Either<ShapeError, Shape> => {
  let acc: E.Either<ShapeError, readonly [string, Shape]> = E.right(['result', []])
  for (const next of named) {
    if (E.isLeft(acc)) return acc
    const [name, shape] = acc.right
    const merged = broadcast(op, [name, shape], next)
    if (E.isLeft(merged)) return merged
    acc = E.right([name === 'result' ? next[0] : `${name} + ${next[0]}`, merged.right])
  }
  return E.map(([, s]: readonly [string, Shape]) => s)(acc)
}

/**
 * Resolves a possibly negative axis (`-1` is the last) against a rank.
 *
 * @category validation
 * @since 0.1.0
 */
export const normalizeAxis = (
  op: string,
  arg: string,
  axis: number,
  rank: number,
  shapes: Readonly<Record<string, Shape>>,
): E.Either<ShapeError, number> =>
  Number.isInteger(axis) && axis >= -rank && axis < rank
    ? E.right(axis < 0 ? axis + rank : axis)
    : E.left(shapeError(op, arg, `axis ${axis} is out of range for rank ${rank} (valid: ${-rank} to ${rank - 1})`, shapes))

/**
 * Resolves a list of axes (or `undefined`, meaning all) to sorted, distinct, non-negative axes.
 *
 * @category validation
 * @since 0.1.0
 */
export const normalizeAxes = (
  op: string,
  arg: string,
  axes: number | readonly number[] | undefined,
  rank: number,
  shapes: Readonly<Record<string, Shape>>,
): E.Either<ShapeError, readonly number[]> => {
  if (axes === undefined) return E.right(Array.from({ length: rank }, (_, i) => i))
  const list = typeof axes === 'number' ? [axes] : axes
  const out: number[] = []
  for (const a of list) {
    const n = normalizeAxis(op, arg, a, rank, shapes)
    if (E.isLeft(n)) return n
    if (out.includes(n.right)) return E.left(shapeError(op, arg, `axis ${a} is repeated in [${list.join(', ')}]`, shapes))
    out.push(n.right)
  }
  return E.right(out.sort((x, y) => x - y))
}

/**
 * Unwraps a `Right`, throwing the `ShapeError` of a `Left`. For use inside operations, where a bad
 * shape is a programming error at the call site.
 *
 * @category destructors
 * @since 0.1.0
 */
export const orThrow = <A>(result: E.Either<ShapeError, A>): A => {
  if (E.isLeft(result)) throw result.left
  return result.right
}
