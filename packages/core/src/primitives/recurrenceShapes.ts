/**
 * Shape rules of the whole-sequence recurrence primitives (`ops/recurrence.ts`). `L` = steps, `N`
 * = batch, `H` = hidden size, `G` = gates per step (4 for the LSTM, 3 for the GRU).
 *
 * - `lstmRecurrence`: xp `(L, N, 4H)`, w_hh `(4H, H)`, b `(4H)`, h0, c0 `(N, H)` → ys, cs
 *   `(L, N, H)`, gates `(L, N, 4H)`.
 * - `lstmRecurrenceBackward`: gates `(L, N, 4H)`, cs `(L, N, H)`, c0 `(N, H)`, w_hh `(4H, H)`,
 *   dys `(L, N, H)`, dh, dc `(N, H)` → d gates `(L, N, 4H)`, dh0, dc0 `(N, H)`, db `(4H)`.
 * - `gruRecurrence`: xp `(L, N, 3H)`, w_hh `(3H, H)`, b_ih, b_hh `(3H)`, h0 `(N, H)` → ys
 *   `(L, N, H)`, hp `(L, N, 3H)`.
 * - `gruRecurrenceBackward`: xp `(L, N, 3H)`, b_ih `(3H)`, hp `(L, N, 3H)`, ys `(L, N, H)`, h0
 *   `(N, H)`, w_hh `(3H, H)`, dys `(L, N, H)`, dh `(N, H)` → d xp, d hp `(L, N, 3H)`, dh0
 *   `(N, H)`, d b_ih, d b_hh `(3H)`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import { equals, type Shape } from '../Shape.js'
import { formatShape, type ShapeError, shapeError } from '../ShapeError.js'

/** An operand's expected shape, in the sizes `L`, `N`, `H` of the sequence. */
type Want = (l: number, n: number, h: number) => Shape

/**
 * Checks the operands against the layout `wants` (one per name) with `L`, `N` from the first
 * operand `(L, N, G·H)` and `H` from its last axis; the error names the first operand at fault.
 */
const layout = (
  op: string,
  gates: number,
  names: readonly string[],
  shapes: readonly Shape[],
  wants: readonly Want[],
): E.Either<ShapeError, readonly [number, number, number]> => {
  const named = () => Object.fromEntries(shapes.map((s, i) => [names[i] ?? `input ${i}`, s]))
  const first = shapes[0] ?? []
  const name = names[0] ?? ''
  const [l = 0, n = 0, width = 0] = first
  if (first.length !== 3)
    return E.left(shapeError(op, name, `${name} must be (L, N, ${gates}H), but it has rank ${first.length}`, named()))
  if (width % gates !== 0)
    return E.left(
      shapeError(
        op,
        name,
        `${name} has ${width} entries on its last axis, not a multiple of ${gates} (gates of hidden size H)`,
        named(),
      ),
    )
  const h = width / gates
  for (let i = 1; i < shapes.length; i++) {
    const want = wants[i]?.(l, n, h) ?? []
    const got = shapes[i] ?? []
    if (!equals(got, want))
      return E.left(
        shapeError(
          op,
          names[i] ?? '',
          `${names[i]} must have shape ${formatShape(want)} for L = ${l}, N = ${n}, H = ${h} (from ${name} ${formatShape(first)}), but it has ${formatShape(got)}`,
          named(),
        ),
      )
  }
  return E.right([l, n, h])
}

const seq =
  (k: number): Want =>
  (l, n, h) => [l, n, k * h]
const state: Want = (_, n, h) => [n, h]
const weight =
  (k: number): Want =>
  (_, __, h) => [k * h, h]
const bias =
  (k: number): Want =>
  (_, __, h) => [k * h]

const results = (
  r: E.Either<ShapeError, readonly [number, number, number]>,
  wants: readonly Want[],
): E.Either<ShapeError, Shape[]> => E.map(([l, n, h]: readonly [number, number, number]) => wants.map((w) => w(l, n, h)))(r)

/** `lstmRecurrence`: xp `(L, N, 4H)`, w_hh `(4H, H)`, b `(4H)`, h0, c0 `(N, H)` → ys, cs `(L, N, H)`, gates `(L, N, 4H)`. */
export const lstmRecurrenceShape = (op: string, shapes: readonly Shape[]): E.Either<ShapeError, Shape[]> =>
  results(layout(op, 4, ['xp', 'w_hh', 'b', 'h0', 'c0'], shapes, [seq(4), weight(4), bias(4), state, state]), [
    seq(1),
    seq(1),
    seq(4),
  ])

/** `lstmRecurrenceBackward`: gates, cs, c0, w_hh, dys, dh, dc → d gates `(L, N, 4H)`, dh0, dc0 `(N, H)`, db `(4H)`. */
export const lstmRecurrenceBackwardShape = (op: string, shapes: readonly Shape[]): E.Either<ShapeError, Shape[]> =>
  results(
    layout(op, 4, ['gates', 'cs', 'c0', 'w_hh', 'dys', 'dh', 'dc'], shapes, [
      seq(4),
      seq(1),
      state,
      weight(4),
      seq(1),
      state,
      state,
    ]),
    [seq(4), state, state, bias(4)],
  )

/** `gruRecurrence`: xp `(L, N, 3H)`, w_hh `(3H, H)`, b_ih, b_hh `(3H)`, h0 `(N, H)` → ys `(L, N, H)`, hp `(L, N, 3H)`. */
export const gruRecurrenceShape = (op: string, shapes: readonly Shape[]): E.Either<ShapeError, Shape[]> =>
  results(layout(op, 3, ['xp', 'w_hh', 'b_ih', 'b_hh', 'h0'], shapes, [seq(3), weight(3), bias(3), bias(3), state]), [
    seq(1),
    seq(3),
  ])

/** `gruRecurrenceBackward`: xp, b_ih, hp, ys, h0, w_hh, dys, dh → d xp, d hp `(L, N, 3H)`, dh0 `(N, H)`, d b_ih, d b_hh `(3H)`. */
export const gruRecurrenceBackwardShape = (op: string, shapes: readonly Shape[]): E.Either<ShapeError, Shape[]> =>
  results(
    layout(op, 3, ['xp', 'b_ih', 'hp', 'ys', 'h0', 'w_hh', 'dys', 'dh'], shapes, [
      seq(3),
      bias(3),
      seq(3),
      seq(1),
      state,
      weight(3),
      seq(1),
      state,
    ]),
    [seq(3), seq(3), state, bias(3), bias(3)],
  )
