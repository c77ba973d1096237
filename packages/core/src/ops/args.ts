/**
 * Argument handling shared by operations: numbers become scalar tensors of their partner's dtype
 * and backend; tensors must agree on dtype and backend.
 *
 * @since 0.1.0
 */
import { allocate } from '../DType.js'
import { shapeError } from '../ShapeError.js'
import { fromKernel, Tensor } from '../Tensor.js'
import { isForeignTensor } from '../Tree.js'

/**
 * A tensor, or a number standing for a scalar of its partner's dtype.
 *
 * @category model
 * @since 0.1.0
 */
export type TensorLike = Tensor | number

/**
 * Resolves named arguments to tensors that share one dtype and one backend; fails with a message
 * naming the operation and the argument that differs.
 */
export const lift = <const N extends readonly (readonly [string, TensorLike])[]>(
  op: string,
  named: N,
): { [K in keyof N]: Tensor } => {
  const first = named.find((entry): entry is readonly [string, Tensor] => entry[1] instanceof Tensor)
  if (first === undefined) {
    throw shapeError(
      op,
      named.map(([n]) => n).join(', '),
      'at least one argument must be a tensor (numbers alone have no dtype or backend)',
    )
  }
  const [firstName, ref] = first
  const out = named.map(([name, value]) => {
    if (typeof value === 'number') {
      const data = allocate(ref.dtype, 1)
      data[0] = value
      return fromKernel(ref.backend, op, [], ref.dtype, data)
    }
    if (!(value instanceof Tensor)) {
      return expectTensor(op, name, value)
    }
    if (value.dtype !== ref.dtype) {
      throw shapeError(
        op,
        name,
        `mixed dtypes: ${firstName} is ${ref.dtype} but ${name} is ${value.dtype}; convert one with cast()`,
        { [firstName]: ref.shape, [name]: value.shape },
      )
    }
    if (value.backend !== ref.backend) {
      throw shapeError(
        op,
        name,
        `mixed backends: ${firstName} is on '${ref.backend.name}' but ${name} is on '${value.backend.name}'`,
        { [firstName]: ref.shape, [name]: value.shape },
      )
    }
    return value
  })
  return out as { [K in keyof N]: Tensor }
}

/** Checks that `value` is a tensor, naming the argument otherwise. */
export const expectTensor = (op: string, arg: string, value: unknown): Tensor => {
  if (value instanceof Tensor) return value
  if (isForeignTensor(value)) {
    throw shapeError(
      op,
      arg,
      'this Tensor comes from another copy of @recur/core; two copies are loaded (dedupe your dependencies, or import every recur package from the same build)',
    )
  }
  if (!(value instanceof Tensor)) {
    throw shapeError(op, arg, `expected a tensor, got ${value === null ? 'null' : typeof value}`)
  }
  return value
}
