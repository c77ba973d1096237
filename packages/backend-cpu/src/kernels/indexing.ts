/**
 * Integer indexing kernels: gather, scatterAdd, oneHot. Core has already checked that every index
 * is an integer in range.
 */
import { allocate, type DType, type Operand, type Shape, Shapes } from '@recur/core'

type Out = Float32Array | Float64Array

/** Sizes of the dimensions before and after `axis`. */
const around = (shape: Shape, axis: number): { outer: number; inner: number } => ({
  outer: Shapes.size(shape.slice(0, axis)),
  inner: Shapes.size(shape.slice(axis + 1)),
})

/** `out[o, j, i] = x[o, indices[j], i]` with `x` viewed as `[outer, len, inner]`. */
export const gather = (x: Operand, indices: Operand, axis: number): Out => {
  const { outer, inner } = around(x.shape, axis)
  const len = x.shape[axis] ?? 0
  const m = indices.data.length
  const out = allocate(x.dtype, outer * m * inner)
  const src = x.data
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const from = (o * len + indices.data[j]!) * inner
      const to = (o * m + j) * inner
      for (let i = 0; i < inner; i++) out[to + i] = src[from + i]!
    }
  }
  return out
}

/** Zeros of `outShape` plus, for each j, `updates[o, j, i]` added at `[o, indices[j], i]`. */
export const scatterAdd = (updates: Operand, indices: Operand, axis: number, outShape: Shape): Out => {
  const { outer, inner } = around(outShape, axis)
  const len = outShape[axis] ?? 0
  const m = indices.data.length
  const acc = new Float64Array(Shapes.size(outShape))
  const u = updates.data
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const to = (o * len + indices.data[j]!) * inner
      const from = (o * m + j) * inner
      for (let i = 0; i < inner; i++) acc[to + i] = acc[to + i]! + u[from + i]!
    }
  }
  return updates.dtype === 'float64' ? acc : Float32Array.from(acc)
}

/** Rows of `depth` zeros with a 1 at each index. */
export const oneHot = (indices: Operand, depth: number, dtype: DType): Out => {
  const n = indices.data.length
  const out = allocate(dtype, n * depth)
  for (let j = 0; j < n; j++) out[j * depth + indices.data[j]!] = 1
  return out
}

/** `x` converted to `dtype`. */
export const cast = (x: Operand, dtype: DType): Out => (dtype === 'float32' ? new Float32Array(x.data) : new Float64Array(x.data))

/** `size(shape)` copies of `value`. */
export const fill = (shape: Shape, dtype: DType, value: number): Out => allocate(dtype, Shapes.size(shape)).fill(value)
