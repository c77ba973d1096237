/**
 * Kernels that move elements: reshape, transpose, slice, pad and concat, all built on one strided
 * copy.
 */
import { allocate, type Operand, type Pad, type ReadonlyData, type Shape, Shapes } from '@recur/core'
import { coalesce, forEachLine, innerStrides } from './iterate.js'

type Out = Float32Array | Float64Array

/**
 * Copies the block `shape` from `src` (starting at `srcOffset`, read with `srcStrides`) into
 * `dst` (starting at `dstOffset`, written with `dstStrides`).
 */
export const stridedCopy = (
  shape: Shape,
  src: ReadonlyData,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: Out,
  dstOffset: number,
  dstStrides: readonly number[],
): void => {
  const plan = coalesce(shape, [dstStrides, srcStrides])
  const [sd = 0, ss = 0] = innerStrides(plan)
  forEachLine(plan, (off, n) => {
    const io = dstOffset + off[0]!
    const ii = srcOffset + off[1]!
    if (sd === 1 && ss === 1) {
      // a long contiguous run: one block copy (typed arrays of the kernel's dtype)
      if (n >= 64 && (src instanceof Float32Array || src instanceof Float64Array)) dst.set(src.subarray(ii, ii + n), io)
      else for (let j = 0; j < n; j++) dst[io + j] = src[ii + j]!
    } else {
      for (let j = 0; j < n; j++) dst[io + j * sd] = src[ii + j * ss]!
    }
  })
}

/** The same data: tensors are immutable, so sharing it is safe. */
export const reshape = (x: Operand, _shape: Shape): ReadonlyData => x.data

/** Output axis `i` is input axis `perm[i]`. */
export const transpose = (x: Operand, perm: readonly number[]): Out => {
  const outShape = perm.map((p) => x.shape[p] ?? 0)
  const out = allocate(x.dtype, x.data.length)
  const inStrides = Shapes.strides(x.shape)
  stridedCopy(
    outShape,
    x.data,
    0,
    perm.map((p) => inStrides[p] ?? 0),
    out,
    0,
    Shapes.strides(outShape),
  )
  return out
}

/**
 * A contiguous slice shares its source's memory when it holds at least this fraction of it; a
 * smaller one is copied, so that keeping a small slice never keeps a much larger source alive.
 */
const VIEW_FRACTION = 1 / 64

/** Whether the block `size` of `shape` is one contiguous run: full on every axis after the first cut one, 1 before it. */
const contiguous = (shape: Shape, size: Shape): boolean => {
  const cut = size.findIndex((n, i) => n !== shape[i])
  return cut < 0 || size.every((n, i) => (i < cut ? n === 1 : i > cut ? n === shape[i] : true))
}

/**
 * The block of `x` at `begin` with dimensions `size`. A contiguous block that is not tiny
 * relative to `x` (the segments of a sequence, a batch of rows) is a view of `x`'s data, which is
 * immutable like every tensor's; anything else is copied.
 */
export const slice = (x: Operand, begin: readonly number[], size: Shape): Out => {
  const n = Shapes.size(size)
  const st = Shapes.strides(x.shape)
  const offset = begin.reduce((acc, b, i) => acc + b * (st[i] ?? 0), 0)
  const src = x.data
  if (
    x.immutable === true &&
    n > 0 &&
    n >= src.length * VIEW_FRACTION &&
    (src instanceof Float32Array || src instanceof Float64Array) &&
    contiguous(x.shape, size)
  )
    return src.subarray(offset, offset + n)
  const out = allocate(x.dtype, n)
  stridedCopy(size, x.data, offset, st, out, 0, Shapes.strides(size))
  return out
}

/** `x` surrounded by `value`, `pads[i]` = [before, after] on axis `i`. */
export const pad = (x: Operand, pads: readonly Pad[], value: number): Out => {
  const outShape = x.shape.map((d, i) => d + (pads[i]?.[0] ?? 0) + (pads[i]?.[1] ?? 0))
  const out = allocate(x.dtype, Shapes.size(outShape))
  if (value !== 0) out.fill(value)
  const st = Shapes.strides(outShape)
  const offset = pads.reduce((acc, [before], i) => acc + before * (st[i] ?? 0), 0)
  stridedCopy(x.shape, x.data, 0, Shapes.strides(x.shape), out, offset, st)
  return out
}

/** `xs` joined along `axis`. */
export const concat = (xs: readonly Operand[], axis: number): Out => {
  const first = xs[0]
  if (first === undefined) return new Float64Array(0)
  const outShape = first.shape.map((d, i) => (i === axis ? xs.reduce((n, x) => n + (x.shape[axis] ?? 0), 0) : d))
  const out = allocate(first.dtype, Shapes.size(outShape))
  const st = Shapes.strides(outShape)
  let at = 0
  for (const x of xs) {
    stridedCopy(x.shape, x.data, 0, Shapes.strides(x.shape), out, at * (st[axis] ?? 0), st)
    at += x.shape[axis] ?? 0
  }
  return out
}
