/**
 * Index arithmetic shared by the reference kernels: reading operands as plain numbers, writing
 * results as typed arrays, and converting between flat row-major positions and multi-indices.
 *
 * Everything here is deliberately naive: it favours being obviously right over being fast.
 *
 * @since 0.1.0
 */
import type { DType, ReadonlyData, Shape } from '@recur/core'

/**
 * The elements of `data` as a plain array of float64 numbers.
 *
 * @category conversions
 * @since 0.1.0
 */
export const toNumbers = (data: ReadonlyData): number[] => {
  const out: number[] = []
  for (let i = 0; i < data.length; i++) out.push(data[i] ?? 0)
  return out
}

/**
 * A fresh typed array of `dtype` holding `values` (each rounded to float32 for `'float32'`).
 *
 * @category conversions
 * @since 0.1.0
 */
export const toData = (dtype: DType, values: readonly number[]): Float32Array | Float64Array =>
  dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values)

/**
 * The number of elements of a shape (1 for a scalar, 0 if any dimension is 0).
 *
 * @category accessors
 * @since 0.1.0
 */
export const sizeOf = (shape: Shape): number => shape.reduce((acc, d) => acc * d, 1)

/**
 * The multi-index of the element at row-major position `flat` in `shape`.
 *
 * @category indexing
 * @since 0.1.0
 */
export const unravel = (flat: number, shape: Shape): number[] => {
  const index = new Array<number>(shape.length).fill(0)
  let rest = flat
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i] ?? 1
    index[i] = rest % d
    rest = Math.floor(rest / d)
  }
  return index
}

/**
 * The row-major position of the element at multi-index `index` in `shape`.
 *
 * @category indexing
 * @since 0.1.0
 */
export const ravel = (index: readonly number[], shape: Shape): number => {
  let flat = 0
  for (let i = 0; i < shape.length; i++) flat = flat * (shape[i] ?? 1) + (index[i] ?? 0)
  return flat
}

/**
 * Every multi-index of `shape` in row-major order (`[[]]` for a scalar, `[]` for a size-0 shape).
 *
 * @category indexing
 * @since 0.1.0
 */
export const allIndices = (shape: Shape): number[][] => Array.from({ length: sizeOf(shape) }, (_, f) => unravel(f, shape))

/**
 * The multi-index into an operand of shape `inShape` that broadcasting reads for the output
 * multi-index `outIndex`: dimensions are aligned on the right, and a dimension of 1 is read at 0.
 *
 * @category indexing
 * @since 0.1.0
 */
export const broadcastIndex = (outIndex: readonly number[], inShape: Shape): number[] => {
  const offset = outIndex.length - inShape.length
  return inShape.map((d, i) => (d === 1 ? 0 : (outIndex[i + offset] ?? 0)))
}

/**
 * The element of `values` (laid out row-major in `shape`) at multi-index `index`.
 *
 * @category indexing
 * @since 0.1.0
 */
export const at = (values: readonly number[], shape: Shape, index: readonly number[]): number =>
  values[ravel(index, shape)] ?? Number.NaN
