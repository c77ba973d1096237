/**
 * Human-readable rendering of tensors, eliding the middle of long dimensions.
 *
 * @since 0.1.0
 */
import type { ReadonlyData } from './Backend.js'
import type { DType } from './DType.js'
import { type Shape, size, strides } from './Shape.js'
import { formatShape } from './ShapeError.js'

/** Above this many elements, each dimension shows only its first and last `EDGE_ITEMS` entries. */
const ELIDE_ABOVE = 1000
const EDGE_ITEMS = 3

/**
 * Formats one element: integers without a fraction, others with 4 decimals, very large or small
 * magnitudes in exponent form.
 *
 * @category formatting
 * @since 0.1.0
 */
export const formatNumber = (x: number): string => {
  if (Number.isNaN(x)) return 'NaN'
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity'
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return `${x}.`
  const a = Math.abs(x)
  return a !== 0 && (a >= 1e6 || a < 1e-4) ? x.toExponential(4) : x.toFixed(4)
}

/**
 * Renders data of a shape as `Tensor(float32 [2, 2]) [[1., 2.], [3., 4.]]`.
 *
 * @category formatting
 * @since 0.1.0
 */
export const formatTensor = (data: ReadonlyData, shape: Shape, dtype: DType): string => {
  const elide = size(shape) > ELIDE_ABOVE
  const st = strides(shape)
  const go = (offset: number, depth: number): string => {
    if (depth === shape.length) return formatNumber(data[offset] ?? Number.NaN)
    const n = shape[depth] ?? 0
    const step = st[depth] ?? 1
    const parts: string[] = []
    if (elide && n > 2 * EDGE_ITEMS) {
      for (let i = 0; i < EDGE_ITEMS; i++) parts.push(go(offset + i * step, depth + 1))
      parts.push('…')
      for (let i = n - EDGE_ITEMS; i < n; i++) parts.push(go(offset + i * step, depth + 1))
    } else {
      for (let i = 0; i < n; i++) parts.push(go(offset + i * step, depth + 1))
    }
    const rows = shape.length - depth > 1
    return `[${parts.join(rows ? `,\n${' '.repeat(depth + 1)}` : ', ')}]`
  }
  return `Tensor(${dtype} ${formatShape(shape)})\n${go(0, 0)}`
}
