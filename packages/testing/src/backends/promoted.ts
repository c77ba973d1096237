/**
 * `promoted(inner)`: a backend that runs every float32 kernel through `inner`'s float64 path and
 * rounds the result to float32 once, at the end.
 *
 * This is exactly the semantics the kernel contract asks of float32 ("the float32 rounding of the
 * exact operation as closely as the backend can"), so `promoted` turns a backend whose float32
 * kernels compute natively in float32 — accumulating rounding errors in sums and products, as GPU
 * and SIMD backends often do — into one that passes the default conformance tolerances, at the
 * cost of a conversion per operand and per result. It is also a quick way to ask "is this float32
 * discrepancy my backend's float32 path, or a real bug?": if `promoted(b)` passes and `b` fails,
 * it is the former.
 *
 * float64 calls go straight to `inner`. Indices and `where` conditions are promoted too (their
 * values are small integers or 0/1, so the conversion is exact).
 *
 * @since 0.1.0
 */
import type { Backend, DType, Operand, ReadonlyData } from '@recur/core'

const up = (x: Operand): Operand =>
  x.dtype === 'float64'
    ? x
    : { shape: x.shape, dtype: 'float64', data: Float64Array.from({ length: x.data.length }, (_, i) => x.data[i] ?? 0) }

const down = (dtype: DType, data: ReadonlyData): ReadonlyData =>
  dtype === 'float64' ? data : Float32Array.from({ length: data.length }, (_, i) => data[i] ?? 0)

/**
 * Wraps `inner` so that float32 kernels compute in float64 and round once; the backend is named
 * `promoted(<inner>)`.
 *
 * @example
 * const exact32 = promoted(myFloat32NativeBackend)
 *
 * @category instances
 * @since 0.1.0
 */
export const promoted = (inner: Backend): Backend => ({
  name: `promoted(${inner.name})`,
  unary: (op, x) => down(x.dtype, inner.unary(op, up(x))),
  binary: (op, a, b, out) => down(a.dtype, inner.binary(op, up(a), up(b), out)),
  compare: (op, a, b, out) => down(a.dtype, inner.compare(op, up(a), up(b), out)),
  where: (c, a, b, out) => down(a.dtype, inner.where(up(c), up(a), up(b), out)),
  reduce: (op, x, axes) => down(x.dtype, inner.reduce(op, up(x), axes)),
  argReduce: (op, x, axis) => down(x.dtype, inner.argReduce(op, up(x), axis)),
  matmul: (a, b, ta, tb, out) => down(a.dtype, inner.matmul(up(a), up(b), ta, tb, out)),
  transpose: (x, perm) => down(x.dtype, inner.transpose(up(x), perm)),
  reshape: (x, shape) => down(x.dtype, inner.reshape(up(x), shape)),
  slice: (x, begin, size) => down(x.dtype, inner.slice(up(x), begin, size)),
  pad: (x, pads, value) => down(x.dtype, inner.pad(up(x), pads, value)),
  concat: (xs, axis) => down(xs[0]?.dtype ?? 'float64', inner.concat(xs.map(up), axis)),
  gather: (x, idx, axis) => down(x.dtype, inner.gather(up(x), up(idx), axis)),
  scatterAdd: (u, idx, axis, out) => down(u.dtype, inner.scatterAdd(up(u), up(idx), axis, out)),
  oneHot: (idx, depth, dtype) => down(dtype, inner.oneHot(up(idx), depth, 'float64')),
  cast: (x, dtype) => down(dtype, inner.cast(up(x), 'float64')),
  fill: (shape, dtype, value) => down(dtype, inner.fill(shape, 'float64', value)),
})
