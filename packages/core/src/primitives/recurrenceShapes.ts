/**
 * Shape rules of the whole-sequence recurrence primitives (`ops/recurrence.ts`). `L` = steps, `N`
 * = batch, `I` = input size, `H` = hidden size, `G` = gates per step (4 for the LSTM, 3 for the
 * GRU). With `residuals: false` the forward primitives keep only what a forward pass needs: the
 * LSTM's `cs` is `(1, N, H)` (the final cell state) and its `gates` `(0, N, 4H)`; the GRU's `xb`
 * and `hp` are `(0, N, 3H)`.
 *
 * - `lstmRecurrence`: x `(L, N, I)`, w_ih `(4H, I)`, w_hh `(4H, H)`, b `(4H)`, h0, c0 `(N, H)` →
 *   ys `(L, N, H)`, cs `(L, N, H)`, gates `(L, N, 4H)`.
 * - `lstmRecurrenceBackward`: gates `(L, N, 4H)`, cs `(L, N, H)`, c0 `(N, H)`, w_hh `(4H, H)`,
 *   dys `(L, N, H)`, dh, dc `(N, H)` → d gates `(L, N, 4H)`, dh0, dc0 `(N, H)`, db `(4H)`.
 * - `gruRecurrence`: x `(L, N, I)`, w_ih `(3H, I)`, w_hh `(3H, H)`, b_ih, b_hh `(3H)`, h0 `(N, H)`
 *   → ys `(L, N, H)`, xb, hp `(L, N, 3H)`.
 * - `gruRecurrenceBackward`: xb, hp `(L, N, 3H)`, ys `(L, N, H)`, h0 `(N, H)`, w_hh `(3H, H)`,
 *   dys `(L, N, H)`, dh `(N, H)` → d xb, d hp `(L, N, 3H)`, dh0 `(N, H)`, d b_ih, d b_hh `(3H)`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import { equals, type Shape } from '../Shape.js'
import { formatShape, type ShapeError, shapeError } from '../ShapeError.js'

/** The sizes of a recurrence. */
interface Sizes {
  readonly l: number
  readonly n: number
  readonly h: number
  readonly i: number
}

/** An operand's expected shape in the sizes of the recurrence. */
type Want = (s: Sizes) => Shape

const seq =
  (k: number): Want =>
  ({ l, n, h }) => [l, n, k * h]
const state: Want = ({ n, h }) => [n, h]
const weight =
  (k: number): Want =>
  ({ h }) => [k * h, h]
const inputWeight =
  (k: number): Want =>
  ({ h, i }) => [k * h, i]
const bias =
  (k: number): Want =>
  ({ h }) => [k * h]

/**
 * Checks the operands against `wants` (one per name), the sizes read from the first operand —
 * `(L, N, G·H)`, or with `input` the input `(L, N, I)` and H from the operand named `w_hh` — and
 * returns them; the error names the first operand at fault.
 */
const layout = (
  op: string,
  gates: number,
  input: boolean,
  names: readonly string[],
  shapes: readonly Shape[],
  wants: readonly Want[],
): E.Either<ShapeError, Sizes> => {
  const named = () => Object.fromEntries(shapes.map((s, i) => [names[i] ?? `input ${i}`, s]))
  const first = shapes[0] ?? []
  const name = names[0] ?? ''
  const [l = 0, n = 0, width = 0] = first
  if (first.length !== 3)
    return E.left(
      shapeError(op, name, `${name} must be (L, N, ${input ? 'I' : `${gates}H`}), but it has rank ${first.length}`, named()),
    )
  const recurrent = shapes[names.indexOf('w_hh')] ?? []
  if (input && recurrent.length !== 2)
    return E.left(shapeError(op, 'w_hh', `w_hh must be (${gates}H, H), but it has rank ${recurrent.length}`, named()))
  if (!input && width % gates !== 0)
    return E.left(
      shapeError(
        op,
        name,
        `${name} has ${width} entries on its last axis, not a multiple of ${gates} (gates of hidden size H)`,
        named(),
      ),
    )
  const sizes: Sizes = { l, n, h: input ? (recurrent[1] ?? 0) : width / gates, i: input ? width : 0 }
  for (let k = 1; k < shapes.length; k++) {
    const want = wants[k]?.(sizes) ?? []
    const got = shapes[k] ?? []
    if (!equals(got, want))
      return E.left(
        shapeError(
          op,
          names[k] ?? '',
          `${names[k]} must have shape ${formatShape(want)} for L = ${l}, N = ${n}, H = ${sizes.h}${input ? `, I = ${width}` : ''} (from ${name} ${formatShape(first)}${input ? ` and w_hh ${formatShape(recurrent)}` : ''}), but it has ${formatShape(got)}`,
          named(),
        ),
      )
  }
  return E.right(sizes)
}

const results = (r: E.Either<ShapeError, Sizes>, wants: readonly Want[]): E.Either<ShapeError, Shape[]> =>
  E.map((s: Sizes) => wants.map((w) => w(s)))(r)

/** Only the final state (one step) without residuals. */
const final: Want = ({ n, h }) => [1, n, h]
const none =
  (k: number): Want =>
  ({ n, h }) => [0, n, k * h]

/** `lstmRecurrence`: x, w_ih, w_hh, b, h0, c0 → ys, cs, gates (see the module header). */
export const lstmRecurrenceShape = (op: string, shapes: readonly Shape[], residuals: boolean): E.Either<ShapeError, Shape[]> =>
  results(
    layout(op, 4, true, ['x', 'w_ih', 'w_hh', 'b', 'h0', 'c0'], shapes, [
      () => [],
      inputWeight(4),
      weight(4),
      bias(4),
      state,
      state,
    ]),
    residuals ? [seq(1), seq(1), seq(4)] : [seq(1), final, none(4)],
  )

/** `lstmRecurrenceBackward`: gates, cs, c0, w_hh, dys, dh, dc → d gates `(L, N, 4H)`, dh0, dc0 `(N, H)`, db `(4H)`. */
export const lstmRecurrenceBackwardShape = (op: string, shapes: readonly Shape[]): E.Either<ShapeError, Shape[]> =>
  results(
    layout(op, 4, false, ['gates', 'cs', 'c0', 'w_hh', 'dys', 'dh', 'dc'], shapes, [
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

/** `gruRecurrence`: x, w_ih, w_hh, b_ih, b_hh, h0 → ys, xb, hp (see the module header). */
export const gruRecurrenceShape = (op: string, shapes: readonly Shape[], residuals: boolean): E.Either<ShapeError, Shape[]> =>
  results(
    layout(op, 3, true, ['x', 'w_ih', 'w_hh', 'b_ih', 'b_hh', 'h0'], shapes, [
      () => [],
      inputWeight(3),
      weight(3),
      bias(3),
      bias(3),
      state,
    ]),
    residuals ? [seq(1), seq(3), seq(3)] : [seq(1), none(3), none(3)],
  )

/** `gruRecurrenceBackward`: xb, hp, ys, h0, w_hh, dys, dh → d xb, d hp `(L, N, 3H)`, dh0 `(N, H)`, d b_ih, d b_hh `(3H)`. */
export const gruRecurrenceBackwardShape = (op: string, shapes: readonly Shape[]): E.Either<ShapeError, Shape[]> =>
  results(
    layout(op, 3, false, ['xb', 'hp', 'ys', 'h0', 'w_hh', 'dys', 'dh'], shapes, [
      seq(3),
      seq(3),
      seq(1),
      state,
      weight(3),
      seq(1),
      state,
    ]),
    [seq(3), seq(3), state, bias(3), bias(3)],
  )
