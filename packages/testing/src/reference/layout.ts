/**
 * Reference movement kernels: `transpose`, `reshape`, `slice`, `pad` and `concat`.
 *
 * Each is written as "for every output multi-index, which input element (if any) goes here".
 *
 * @since 0.1.0
 */
import type { Operand, Pad, ReadonlyData, Shape } from '@recur/core'
import { allIndices, at, toData, toNumbers } from './multiIndex.js'

/**
 * Permutes axes: output axis `i` is input axis `perm[i]`, so `out[o] = x[in]` with
 * `in[perm[i]] = o[i]`.
 *
 * @category kernels
 * @since 0.1.0
 */
export const transpose = (x: Operand, perm: readonly number[]): ReadonlyData => {
  const values = toNumbers(x.data)
  const outShape = perm.map((p) => x.shape[p] ?? 1)
  const out = allIndices(outShape).map((outIndex) => {
    const inIndex = new Array<number>(x.shape.length).fill(0)
    perm.forEach((p, i) => {
      inIndex[p] = outIndex[i] ?? 0
    })
    return at(values, x.shape, inIndex)
  })
  return toData(x.dtype, out)
}

/**
 * The same elements in the same row-major order (a fresh copy); `shape` does not change them.
 *
 * @category kernels
 * @since 0.1.0
 */
export const reshape = (x: Operand, _shape: Shape): ReadonlyData => toData(x.dtype, toNumbers(x.data))

/**
 * The block of `x` starting at `begin` with dimensions `size`: `out[o] = x[o + begin]`.
 *
 * @category kernels
 * @since 0.1.0
 */
export const slice = (x: Operand, begin: readonly number[], size: Shape): ReadonlyData => {
  const values = toNumbers(x.data)
  const out = allIndices(size).map((outIndex) =>
    at(
      values,
      x.shape,
      outIndex.map((o, i) => o + (begin[i] ?? 0)),
    ),
  )
  return toData(x.dtype, out)
}

/**
 * `x` surrounded by `value`: the output has `before + d + after` elements on each axis, and
 * `out[o] = x[o - before]` where that is inside `x`, else `value`.
 *
 * @category kernels
 * @since 0.1.0
 */
export const pad = (x: Operand, pads: readonly Pad[], value: number): ReadonlyData => {
  const values = toNumbers(x.data)
  const outShape = x.shape.map((d, i) => (pads[i]?.[0] ?? 0) + d + (pads[i]?.[1] ?? 0))
  const out = allIndices(outShape).map((outIndex) => {
    const inIndex = outIndex.map((o, i) => o - (pads[i]?.[0] ?? 0))
    const inside = inIndex.every((v, i) => v >= 0 && v < (x.shape[i] ?? 0))
    return inside ? at(values, x.shape, inIndex) : value
  })
  return toData(x.dtype, out)
}

/**
 * Joins `xs` along `axis`: an output index `o` with `o[axis]` in the range covered by `xs[t]`
 * (after the extents of `xs[0..t-1]`) reads `xs[t]` at `o` with `o[axis]` shifted back.
 *
 * @category kernels
 * @since 0.1.0
 */
export const concat = (xs: readonly Operand[], axis: number): ReadonlyData => {
  const first = xs[0]
  if (first === undefined) throw new Error('reference.concat: needs at least one operand')
  const inputs = xs.map((x) => ({ shape: x.shape, values: toNumbers(x.data) }))
  const total = inputs.reduce((acc, { shape }) => acc + (shape[axis] ?? 0), 0)
  const outShape = first.shape.map((d, i) => (i === axis ? total : d))
  const out = allIndices(outShape).map((outIndex) => {
    let offset = outIndex[axis] ?? 0
    for (const { shape, values } of inputs) {
      const extent = shape[axis] ?? 0
      if (offset < extent)
        return at(
          values,
          shape,
          outIndex.map((o, i) => (i === axis ? offset : o)),
        )
      offset -= extent
    }
    return Number.NaN // unreachable: offset < total
  })
  return toData(first.dtype, out)
}
