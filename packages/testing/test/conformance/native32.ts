/**
 * A correct backend of another precision: the reference, except that float32 sums, products and
 * (unbatched) matrix products accumulate in float32, as SIMD and GPU code often does.
 */
import type { Backend } from '@recur/core'
import { reference } from '../../src/reference.js'

/** `acc ∘ v` rounded to float32 after every step. */
const accumulate32 = (values: readonly number[], op: 'sum' | 'prod'): number =>
  values.reduce((acc, v) => Math.fround(op === 'sum' ? acc + v : acc * v), op === 'sum' ? 0 : 1)

/** The reference with float32 accumulation in `reduce` (sum, prod) and 2-D `matmul`. */
export const native32: Backend = {
  ...reference,
  name: 'native32',
  reduce: (op, x, axes) => {
    if (x.dtype === 'float64' || op === 'max' || op === 'min') return reference.reduce(op, x, axes)
    const kept = x.shape.flatMap((_, i) => (axes.includes(i) ? [] : [i]))
    const moved = reference.transpose(x, [...kept, ...axes])
    const n = axes.reduce((m, a) => m * (x.shape[a] ?? 1), 1)
    const out = new Float32Array(kept.reduce((m, a) => m * (x.shape[a] ?? 1), 1))
    for (let r = 0; r < out.length; r++) {
      out[r] = accumulate32(
        Array.from({ length: n }, (_, i) => moved[r * n + i] ?? Number.NaN),
        op,
      )
    }
    return out
  },
  matmul: (a, b, ta, tb, outShape) => {
    if (a.dtype === 'float64' || outShape.length !== 2) return reference.matmul(a, b, ta, tb, outShape)
    const [m = 0, n = 0] = outShape
    const k = (ta ? a.shape[0] : a.shape[1]) ?? 0
    const at = (i: number, p: number): number => (ta ? a.data[p * m + i] : a.data[i * k + p]) ?? Number.NaN
    const bt = (p: number, j: number): number => (tb ? b.data[j * k + p] : b.data[p * n + j]) ?? Number.NaN
    const out = new Float32Array(m * n)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        out[i * n + j] = accumulate32(
          Array.from({ length: k }, (_, p) => Math.fround(at(i, p) * bt(p, j))),
          'sum',
        )
      }
    return out
  },
}
