/**
 * The rule of `unstack(x, axis)`: every slice of `x` along `axis`, with the axis removed, as one
 * primitive with `x.shape[axis]` results. As separate slices, each result's pullback would pad
 * its cotangent back to the whole of `x` and reverse mode would add those up: O(T²) work and
 * memory for the T steps of `scan`. Here the pullback is one `stack` of the cotangents.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import { zerosLike } from '../create.js'
import { stack, unstack } from '../ops/movement.js'
import { shapeError } from '../ShapeError.js'
import type { MultiRule } from './multi.js'

/** `unstack`. */
export const unstackRule: MultiRule<'unstack'> = {
  shapes: ([s], { axis }) => {
    const x = s ?? []
    if (!(Number.isInteger(axis) && axis >= 0 && axis < x.length))
      return E.left(shapeError('unstack', 'axis', `axis ${axis} is out of range for rank ${x.length}`, { x }))
    const part = x.filter((_, j) => j !== axis)
    return E.right(Array.from({ length: x[axis] ?? 0 }, () => part))
  },
  impl: (be, [x], { axis }, outShapes) => {
    const size = x!.shape.map((d, j) => (j === axis ? 1 : d))
    return outShapes.map((_, i) =>
      be.slice(
        x!,
        x!.shape.map((_, j) => (j === axis ? i : 0)),
        size,
      ),
    )
  },
  jvp: (_, [t], __, { axis }) => (t === undefined ? [] : unstack(t, axis)),
  vjp: (cts, _, outs, { axis }) => [
    stack(
      outs.map((o, i) => cts[i] ?? zerosLike(o)),
      axis,
    ),
  ],
}
