/**
 * Reductions over axes and arg-reductions along one axis.
 *
 * The input is walked once in row-major order together with an accumulator whose stride is 0 on
 * reduced axes. Depending on whether the innermost (coalesced) axis is reduced, a line either folds
 * into one accumulator or updates a run of accumulators elementwise; both are cache-friendly.
 * Accumulators are float64 whatever the dtype, so float32 sums round once, at the end.
 */
import { type ArgReduceOp, allocate, type Operand, type ReduceOp, Shapes } from '@recur/core'
import { coalesce, forEachLine, innerStrides } from './iterate.js'

type Out = Float32Array | Float64Array

const identity: Readonly<Record<ReduceOp, number>> = {
  sum: 0,
  prod: 1,
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
}

/** Folds `x[ix + j·sx]` for j < n into `acc[ia + j·sa]` (or into `acc[ia]` when `sa` is 0). */
const foldLine = (
  op: ReduceOp,
  x: Operand['data'],
  ix: number,
  sx: number,
  acc: Float64Array,
  ia: number,
  sa: number,
  n: number,
): void => {
  if (sa === 0) {
    let r = acc[ia]!
    switch (op) {
      case 'sum':
        for (let j = 0; j < n; j++) r += x[ix + j * sx]!
        break
      case 'prod':
        for (let j = 0; j < n; j++) r *= x[ix + j * sx]!
        break
      case 'max':
        for (let j = 0; j < n; j++) r = Math.max(r, x[ix + j * sx]!)
        break
      case 'min':
        for (let j = 0; j < n; j++) r = Math.min(r, x[ix + j * sx]!)
        break
    }
    acc[ia] = r
    return
  }
  switch (op) {
    case 'sum':
      for (let j = 0; j < n; j++) acc[ia + j * sa] = acc[ia + j * sa]! + x[ix + j * sx]!
      return
    case 'prod':
      for (let j = 0; j < n; j++) acc[ia + j * sa] = acc[ia + j * sa]! * x[ix + j * sx]!
      return
    case 'max':
      for (let j = 0; j < n; j++) acc[ia + j * sa] = Math.max(acc[ia + j * sa]!, x[ix + j * sx]!)
      return
    case 'min':
      for (let j = 0; j < n; j++) acc[ia + j * sa] = Math.min(acc[ia + j * sa]!, x[ix + j * sx]!)
      return
  }
}

/** `op` over the sorted, distinct `axes` of `x`; output shape is `x.shape` without them. */
export const reduce = (op: ReduceOp, x: Operand, axes: readonly number[]): Out => {
  const kept = x.shape.filter((_, i) => !axes.includes(i))
  const acc = new Float64Array(Shapes.size(kept)).fill(identity[op])
  const keptStrides = Shapes.strides(kept)
  let k = 0
  const accStrides = x.shape.map((_, i) => (axes.includes(i) ? 0 : (keptStrides[k++] ?? 0)))
  const plan = coalesce(x.shape, [Shapes.strides(x.shape), accStrides])
  const [sx = 0, sa = 0] = innerStrides(plan)
  forEachLine(plan, (off, n) => foldLine(op, x.data, off[0]!, sx, acc, off[1]!, sa, n))
  if (x.dtype === 'float64') return acc
  return Float32Array.from(acc)
}

/** Index of the max/min along `axis` (first on ties, first NaN if any), in `x.dtype`. */
export const argReduce = (op: ArgReduceOp, x: Operand, axis: number): Out => {
  const len = x.shape[axis] ?? 0
  let outer = 1
  for (let i = 0; i < axis; i++) outer *= x.shape[i] ?? 1
  let inner = 1
  for (let i = axis + 1; i < x.shape.length; i++) inner *= x.shape[i] ?? 1
  const out = allocate(x.dtype, outer * inner)
  const d = x.data
  const better = op === 'argmax' ? (v: number, b: number) => v > b : (v: number, b: number) => v < b
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i
      let best = d[base]!
      let at = 0
      if (!Number.isNaN(best)) {
        for (let j = 1; j < len; j++) {
          const v = d[base + j * inner]!
          if (Number.isNaN(v)) {
            at = j
            break
          }
          if (better(v, best)) {
            best = v
            at = j
          }
        }
      }
      out[o * inner + i] = at
    }
  }
  return out
}
