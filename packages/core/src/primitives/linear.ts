/**
 * Helpers for writing JVP and VJP rules with symbolic zeros (`undefined`) and broadcasting.
 *
 * @since 0.1.0
 */

import { add, mul, neg } from '../ops/elementwise.js'
import { broadcastTo, reshape } from '../ops/movement.js'
import { sum } from '../ops/reduce.js'
import type { Shape } from '../Shape.js'
import { equals } from '../Shape.js'
import type { Tensor } from '../Tensor.js'
import type { Linear } from './Rule.js'

/** The sum of two linear values, keeping zeros symbolic. */
export const plus = (a: Linear, b: Linear): Linear => (a === undefined ? b : b === undefined ? a : add(a, b))

/** `t · factor`, or zero. */
export const scale = (t: Linear, factor: Tensor | number): Linear => (t === undefined ? undefined : mul(t, factor))

/** `−t`, or zero. */
export const negate = (t: Linear): Linear => (t === undefined ? undefined : neg(t))

/** A tangent broadcast to the output shape (tangents must have the shape of their primal). */
export const expand = (t: Linear, shape: Shape): Linear => (t === undefined || equals(t.shape, shape) ? t : broadcastTo(t, shape))

/**
 * The transpose of broadcasting `shape` to `ct.shape`: sums `ct` over the dimensions that were
 * added or stretched from 1, then restores `shape`.
 */
export const unbroadcast = (ct: Tensor, shape: Shape): Tensor => {
  if (equals(ct.shape, shape)) return ct
  const lead = ct.shape.length - shape.length
  const axes = ct.shape.flatMap((d, i) => (i < lead || (shape[i - lead] === 1 && d !== 1) ? [i] : []))
  const summed = axes.length === 0 ? ct : sum(ct, { axes })
  return equals(summed.shape, shape) ? summed : reshape(summed, shape)
}
