/**
 * A primitive's rule: everything about it in one place.
 *
 * - `shape`: the output shape from the input shapes and parameters, or a `ShapeError`.
 * - `dtype`: the output dtype (default: the first input's).
 * - `impl`: runs it with a backend's kernels.
 * - `jvp`: the output tangent from the input tangents (`undefined` = symbolic zero), written in
 *   differentiable operations so that it can itself be differentiated.
 * - `vjp`: the input cotangents from the output cotangent (`undefined` = none), likewise written in
 *   differentiable operations. Leaving out `jvp`/`vjp` is a compile error; a primitive with no
 *   derivative (comparisons, argmax, oneHot) says so by returning `undefined`.
 *
 * @since 0.1.0
 */
import type * as E from 'fp-ts/lib/Either.js'
import type { Backend, Operand, ReadonlyData } from '../Backend.js'
import type { DType } from '../DType.js'
import type { Shape } from '../Shape.js'
import type { ShapeError } from '../ShapeError.js'
import type { Tensor } from '../Tensor.js'
import type { PrimitiveName, PrimitiveParams } from './Params.js'

/** A tangent or cotangent; `undefined` stands for zero. */
export type Linear = Tensor | undefined

/**
 * The rule of primitive `P`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Rule<P extends PrimitiveName> {
  readonly shape: (shapes: readonly Shape[], params: PrimitiveParams[P]) => E.Either<ShapeError, Shape>
  readonly dtype?: (dtypes: readonly DType[], params: PrimitiveParams[P]) => DType
  readonly impl: (backend: Backend, inputs: readonly Operand[], params: PrimitiveParams[P], outShape: Shape) => ReadonlyData
  readonly jvp: (primals: readonly Tensor[], tangents: readonly Linear[], out: Tensor, params: PrimitiveParams[P]) => Linear
  readonly vjp: (cotangent: Tensor, primals: readonly Tensor[], out: Tensor, params: PrimitiveParams[P]) => readonly Linear[]
}

/**
 * The complete rule table.
 *
 * @category model
 * @since 0.1.0
 */
export type RuleTable = { readonly [P in PrimitiveName]: Rule<P> }
