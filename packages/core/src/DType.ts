/**
 * Element types. Every kernel works in both; values of different dtypes never mix silently.
 *
 * @since 0.1.0
 */

/**
 * The element type of a tensor.
 *
 * @category model
 * @since 0.1.0
 */
export type DType = 'float32' | 'float64'

/**
 * Every dtype, in a fixed order.
 *
 * @category constants
 * @since 0.1.0
 */
export const dtypes: readonly DType[] = ['float32', 'float64']

/**
 * The typed array that stores a dtype's elements.
 *
 * @category model
 * @since 0.1.0
 */
export type DataOf<D extends DType> = D extends 'float32' ? Float32Array : Float64Array

/**
 * `true` when `value` names a dtype.
 *
 * @category refinements
 * @since 0.1.0
 */
export const isDType = (value: unknown): value is DType => value === 'float32' || value === 'float64'

/**
 * A fresh zero-filled typed array of `length` elements of `dtype`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const allocate = (dtype: DType, length: number): Float32Array | Float64Array =>
  dtype === 'float32' ? new Float32Array(length) : new Float64Array(length)

/**
 * `true` when `data` is the typed array that stores `dtype`.
 *
 * @category refinements
 * @since 0.1.0
 */
export const isDataOf = (dtype: DType, data: unknown): boolean =>
  dtype === 'float32' ? data instanceof Float32Array : data instanceof Float64Array

/**
 * Machine epsilon of a dtype: the gap between 1 and the next representable number.
 *
 * @category constants
 * @since 0.1.0
 */
export const epsilon = (dtype: DType): number => (dtype === 'float32' ? 2 ** -23 : 2 ** -52)
