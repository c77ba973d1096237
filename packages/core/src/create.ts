/**
 * Constructors. Each copies what it is given, so later changes to the caller's arrays never reach
 * the tensor.
 *
 * The backend comes from `options.backend`, or else from the default that the program sets once,
 * at its edge, with {@link setDefaultBackend}. Core never picks a backend by itself.
 *
 * @since 0.1.0
 */
import type { Backend } from './Backend.js'
import { allocate, type DType, isDType } from './DType.js'
import { flatten, type Nested } from './nested.js'
import { check, orThrow, type Shape, size } from './Shape.js'
import { shapeError } from './ShapeError.js'
import { fromKernel, type Tensor } from './Tensor.js'

/**
 * Where a new tensor lives and what it holds. `dtype` defaults to `'float32'` (as PyTorch).
 *
 * @category model
 * @since 0.1.0
 */
export interface TensorOptions {
  readonly dtype?: DType
  readonly backend?: Backend
}

let fallback: Backend | undefined

/**
 * Sets the backend that constructors use when no `backend` option is given. Call it once, at the
 * start of a program; libraries should pass backends explicitly instead.
 *
 * @category configuration
 * @since 0.1.0
 */
export const setDefaultBackend = (backend: Backend): void => {
  fallback = backend
}

/**
 * The backend constructors use when none is given; throws if the program has not set one.
 *
 * @category configuration
 * @since 0.1.0
 */
export const defaultBackend = (): Backend => {
  if (fallback === undefined) {
    throw new Error(
      "no backend: pass { backend } to the constructor, or call setDefaultBackend(cpu) once at the start of the program (cpu comes from '@recur/backend-cpu')",
    )
  }
  return fallback
}

const resolve = (op: string, options: TensorOptions | undefined): { dtype: DType; backend: Backend } => {
  const dtype = options?.dtype ?? 'float32'
  if (!isDType(dtype)) {
    throw shapeError(op, 'options.dtype', `unknown dtype ${JSON.stringify(dtype)}; expected 'float32' or 'float64'`)
  }
  return { dtype, backend: options?.backend ?? defaultBackend() }
}

const fromNumbers = (op: string, values: ArrayLike<unknown>, shape: Shape, options: TensorOptions | undefined): Tensor => {
  const { dtype, backend } = resolve(op, options)
  if (values.length !== size(shape)) {
    throw shapeError(op, 'data', `data has ${values.length} elements but shape [${shape.join(', ')}] needs ${size(shape)}`, {
      shape,
    })
  }
  const data = allocate(dtype, values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (typeof v !== 'number') throw shapeError(op, 'data', `element ${i} is a ${typeof v}, expected a number`, { shape })
    data[i] = v
  }
  return fromKernel(backend, op, shape, dtype, data)
}

/**
 * A tensor from nested arrays (or a number, for a scalar). The shape is inferred; ragged arrays
 * are rejected with the position that breaks the pattern.
 *
 * @example
 * tensor([[1, 2], [3, 4]], { dtype: 'float64', backend: cpu }) // shape [2, 2]
 *
 * @category constructors
 * @since 0.1.0
 */
export const tensor = (data: Nested, options?: TensorOptions): Tensor => {
  const { shape, flat } = orThrow(flatten('tensor', data))
  return fromNumbers('tensor', flat, shape, options)
}

/**
 * A tensor from row-major values and a shape (`values.length` must equal the shape's size).
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromFlat = (values: ArrayLike<number>, shape: readonly number[], options?: TensorOptions): Tensor =>
  fromNumbers('fromFlat', values, orThrow(check('fromFlat', 'shape', shape)), options)

/**
 * A tensor from a typed array (copied); the dtype follows the array type. `shape` defaults to
 * `[data.length]`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromTypedArray = (
  data: Float32Array | Float64Array,
  shape: readonly number[] = [data.length],
  options?: { readonly backend?: Backend },
): Tensor => {
  const dtype: DType = data instanceof Float32Array ? 'float32' : 'float64'
  return fromNumbers('fromTypedArray', data, orThrow(check('fromTypedArray', 'shape', shape)), { ...options, dtype })
}

/**
 * A scalar tensor (shape `[]`).
 *
 * @category constructors
 * @since 0.1.0
 */
export const scalar = (value: number, options?: TensorOptions): Tensor => fromNumbers('scalar', [value], [], options)

/**
 * A tensor of `shape` with every element `value`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const full = (shape: readonly number[], value: number, options?: TensorOptions): Tensor =>
  filled('full', shape, value, options)

const filled = (op: string, shape: readonly number[], value: number, options: TensorOptions | undefined): Tensor => {
  const s = orThrow(check(op, 'shape', shape))
  if (typeof value !== 'number') throw shapeError(op, 'value', `value is a ${typeof value}, expected a number`, { shape: s })
  const { dtype, backend } = resolve(op, options)
  return fromKernel(backend, 'fill', s, dtype, backend.fill(s, dtype, value))
}

/**
 * A tensor of zeros.
 *
 * @category constructors
 * @since 0.1.0
 */
export const zeros = (shape: readonly number[], options?: TensorOptions): Tensor => filled('zeros', shape, 0, options)

/**
 * A tensor of ones.
 *
 * @category constructors
 * @since 0.1.0
 */
export const ones = (shape: readonly number[], options?: TensorOptions): Tensor => filled('ones', shape, 1, options)

/**
 * Zeros with the shape, dtype and backend of `t`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const zerosLike = (t: Tensor): Tensor => full(t.shape, 0, { dtype: t.dtype, backend: t.backend })

/**
 * Ones with the shape, dtype and backend of `t`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const onesLike = (t: Tensor): Tensor => full(t.shape, 1, { dtype: t.dtype, backend: t.backend })

/**
 * `[start, start + step, …]` up to but excluding `stop`, as NumPy's `arange`. With one argument,
 * `arange(n)` is `[0, 1, …, n − 1]`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const arange = (start: number, stop?: number, step = 1, options?: TensorOptions): Tensor => {
  const [from, to] = stop === undefined ? [0, start] : [start, stop]
  if (![from, to, step].every(Number.isFinite) || step === 0) {
    throw shapeError('arange', 'step', `start ${from}, stop ${to} and step ${step} must be finite and step non-zero`)
  }
  const n = Math.max(0, Math.ceil((to - from) / step))
  return fromNumbers(
    'arange',
    Array.from({ length: n }, (_, i) => from + i * step),
    [n],
    options,
  )
}

/**
 * An `n × m` matrix with ones on the main diagonal (`m` defaults to `n`).
 *
 * @category constructors
 * @since 0.1.0
 */
export const eye = (n: number, m: number = n, options?: TensorOptions): Tensor => {
  const shape = orThrow(check('eye', 'n, m', [n, m]))
  const values = new Array<number>(n * m).fill(0)
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1
  return fromNumbers('eye', values, shape, options)
}
