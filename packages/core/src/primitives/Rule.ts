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
 * - `keeps`: which values the VJP reads (`'inputs'`, `'output'`, `'shapes'` for none, `'all'` by
 *   default). A recorded node keeps only those, so reverse mode holds no value it will not read
 *   (a `concat` of a long sequence's segments stops holding them).
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
 * What a shape-only VJP sees of a value: its shape, dtype and backend, never its data.
 *
 * @category model
 * @since 0.1.0
 */
export interface Abstract {
  readonly shape: Shape
  readonly dtype: DType
  readonly backend: Backend
}

/** The shape and dtype of `t` (and its backend): what a node keeps for a shape-only VJP. */
export const abstractOf = (t: Abstract): Abstract => ({ shape: t.shape, dtype: t.dtype, backend: t.backend })

/**
 * A VJP that reads inputs of kind `I` and an output of kind `O`: `Tensor` where it needs values,
 * {@link Abstract} where it needs only the shape and dtype.
 *
 * @category model
 * @since 0.1.0
 */
export type Vjp<P extends PrimitiveName, I extends Abstract, O extends Abstract> = (
  cotangent: Tensor,
  primals: readonly I[],
  out: O,
  params: PrimitiveParams[P],
) => readonly Linear[]

interface RuleBase<P extends PrimitiveName> {
  readonly shape: (shapes: readonly Shape[], params: PrimitiveParams[P]) => E.Either<ShapeError, Shape>
  readonly dtype?: (dtypes: readonly DType[], params: PrimitiveParams[P]) => DType
  readonly impl: (backend: Backend, inputs: readonly Operand[], params: PrimitiveParams[P], outShape: Shape) => ReadonlyData
  readonly jvp: (primals: readonly Tensor[], tangents: readonly Linear[], out: Tensor, params: PrimitiveParams[P]) => Linear
}

/**
 * What a recorded node keeps for its VJP, and so holds until its pullback is dropped: `'all'`
 * (the default) the input and output values, `'inputs'` or `'output'` only those values, and
 * `'shapes'` none (reshape, slice, concat, add, sum, …): only {@link Abstract}s.
 */
export type Keeps = 'all' | 'inputs' | 'output' | 'shapes'

type Kept<P extends PrimitiveName> =
  | { readonly keeps?: 'all'; readonly vjp: Vjp<P, Tensor, Tensor> }
  | { readonly keeps: 'inputs'; readonly vjp: Vjp<P, Tensor, Abstract> }
  | { readonly keeps: 'output'; readonly vjp: Vjp<P, Abstract, Tensor> }
  | { readonly keeps: 'shapes'; readonly vjp: Vjp<P, Abstract, Abstract> }

/**
 * The rule of primitive `P`.
 *
 * @category model
 * @since 0.1.0
 */
export type Rule<P extends PrimitiveName> = RuleBase<P> & Kept<P>

/**
 * The backward function of one application of `rule`. It keeps what the rule's `keeps` names and
 * {@link Abstract}s of the rest, so that reverse mode holds no value its VJP will never read.
 */
export const pullbackOf = <P extends PrimitiveName>(
  rule: Rule<P>,
  primals: readonly Tensor[],
  out: Tensor,
  params: PrimitiveParams[P],
): ((cotangent: Tensor) => readonly Linear[]) => {
  switch (rule.keeps) {
    case 'shapes':
      return keeping(rule.vjp, primals.map(abstractOf), abstractOf(out), params)
    case 'inputs':
      return keeping(rule.vjp, primals, abstractOf(out), params)
    case 'output':
      return keeping(rule.vjp, primals.map(abstractOf), out, params)
    default:
      return keeping(rule.vjp, primals, out, params)
  }
}

// A function of its own, not a closure in `pullbackOf`: a closure in V8 holds its whole enclosing
// scope, so a pullback made there would keep `primals` and `out` alive whatever it reads.
const keeping =
  <P extends PrimitiveName, I extends Abstract, O extends Abstract>(
    f: Vjp<P, I, O>,
    primals: readonly I[],
    out: O,
    params: PrimitiveParams[P],
  ): ((cotangent: Tensor) => readonly Linear[]) =>
  (ct) =>
    f(ct, primals, out, params)

/**
 * The complete rule table.
 *
 * @category model
 * @since 0.1.0
 */
export type RuleTable = { readonly [P in PrimitiveName]: Rule<P> }
