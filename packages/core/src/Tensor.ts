/**
 * Tensor: an immutable n-dimensional array of float32 or float64 values that lives on a backend.
 *
 * The elements are stored in a private field. Nothing outside core and the backend's kernels ever
 * sees the stored array: readers (`toArray`, `toFlat`, `toTypedArray`) return copies, and kernels
 * receive it typed as {@link ReadonlyData}. A tensor is therefore safe to share between models,
 * optimizers and threads of thought without defensive copies.
 *
 * @since 0.1.0
 */

import type { Trace } from './autodiff/Trace.js'
import type { Backend, Operand, ReadonlyData } from './Backend.js'
import { type DType, isDataOf } from './DType.js'
import { formatTensor } from './format.js'
import { type Nested, nest } from './nested.js'
import { type Shape, size } from './Shape.js'
import { formatShape } from './ShapeError.js'

let readData: (t: Tensor) => ReadonlyData
let readTrace: (t: Tensor) => Trace | undefined
let build: (shape: Shape, dtype: DType, backend: Backend, data: ReadonlyData, trace: Trace | undefined) => Tensor

/**
 * An immutable n-dimensional array. Build one with `tensor`, `fromFlat`, `fromTypedArray`,
 * `zeros`, `ones`, `full`, `arange` or `eye`; every operation returns a new tensor.
 *
 * @category model
 * @since 0.1.0
 */
export class Tensor {
  /** Dimensions, outermost first; `[]` for a scalar. */
  readonly shape: Shape
  /** Element type. */
  readonly dtype: DType
  /** The backend whose kernels compute operations on this tensor. */
  readonly backend: Backend
  readonly #data: ReadonlyData
  /** Set while a transformation (jvp, vjp) traces this value; the data is then the primal's. */
  readonly #trace: Trace | undefined

  private constructor(shape: Shape, dtype: DType, backend: Backend, data: ReadonlyData, trace: Trace | undefined) {
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze([...shape])
    this.dtype = dtype
    this.backend = backend
    this.#data = data
    this.#trace = trace
    Object.freeze(this)
  }

  static {
    readData = (t) => t.#data
    readTrace = (t) => t.#trace
    build = (shape, dtype, backend, data, trace) => new Tensor(shape, dtype, backend, data, trace)
  }

  /** The number of dimensions. */
  get rank(): number {
    return this.shape.length
  }

  /** The number of elements. */
  get size(): number {
    return this.#data.length
  }

  /** The elements as nested arrays (a plain number for a scalar). */
  toArray(): Nested {
    return nest(this.#data, this.shape)
  }

  /** The elements in row-major order, as a new array of numbers. */
  toFlat(): number[] {
    return Array.from({ length: this.#data.length }, (_, i) => this.#data[i] ?? 0)
  }

  /** The elements in row-major order, as a new typed array of this tensor's dtype. */
  toTypedArray(): Float32Array | Float64Array {
    return this.dtype === 'float32' ? Float32Array.from(this.toFlat()) : Float64Array.from(this.toFlat())
  }

  /** The one element of a tensor of size 1. Throws for any other size. */
  item(): number {
    if (this.#data.length !== 1) {
      throw new RangeError(`item: tensor of shape ${formatShape(this.shape)} has ${this.#data.length} elements, not 1`)
    }
    return this.#data[0] ?? Number.NaN
  }

  /** A readable rendering; tensors with more than 1,000 elements are elided with `…`. */
  toString(): string {
    return formatTensor(this.#data, this.shape, this.dtype)
  }
}

/**
 * The kernel view of a tensor. Internal to core: not exported from the package.
 */
export const operand = (t: Tensor): Operand => ({ shape: t.shape, dtype: t.dtype, data: readData(t), immutable: true })

/**
 * Wraps a kernel's result as a tensor after checking that the backend kept its contract.
 * Internal to core: not exported from the package.
 */
export const fromKernel = (backend: Backend, kernel: string, shape: Shape, dtype: DType, data: ReadonlyData): Tensor => {
  if (!isDataOf(dtype, data) || data.length !== size(shape)) {
    const kind = data instanceof Float32Array ? 'Float32Array' : data instanceof Float64Array ? 'Float64Array' : typeof data
    throw new TypeError(
      `backend '${backend.name}' broke the kernel contract in '${kernel}': returned a ${kind} of ${data.length} elements, expected ${dtype} data of shape ${formatShape(shape)} (${size(shape)} elements)`,
    )
  }
  return build(shape, dtype, backend, data, undefined)
}

/**
 * The transformation tracing a tensor, if any. Internal to core.
 */
export const traceOf = (t: Tensor): Trace | undefined => readTrace(t)

/**
 * A traced value: the primal's shape, dtype, backend and data, with `trace` attached. Internal to
 * core.
 */
export const traced = (trace: Trace): Tensor => {
  const p = trace.primal
  return build(p.shape, p.dtype, p.backend, readData(p), trace)
}

/**
 * `true` when `value` is a tensor.
 *
 * @category refinements
 * @since 0.1.0
 */
export const isTensor = (value: unknown): value is Tensor => value instanceof Tensor
