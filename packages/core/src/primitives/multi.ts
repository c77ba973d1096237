/**
 * Primitives with several results, run by `bindMany`: a closed union of names and a complete rule
 * table, as for single-result primitives (`Rule.ts`, `table.ts`). Each rule has everything about
 * its primitive in one place: the result shapes, the kernel call, and JVP and VJP rules written in
 * differentiable operations (one tangent per result; one cotangent per input, from one cotangent
 * per result, `undefined` = zero).
 *
 * @since 0.1.0
 */
import type * as E from 'fp-ts/lib/Either.js'
import type { Backend, Operand, ReadonlyData } from '../Backend.js'
import type { Shape } from '../Shape.js'
import type { ShapeError } from '../ShapeError.js'
import type { Tensor } from '../Tensor.js'
import { fusedMultiRules } from './fused.js'
import type { NoParams } from './Params.js'
import type { Linear } from './Rule.js'
import { type RecurrenceParams, recurrenceRules } from './recurrence.js'
import { unstackRule } from './unstack.js'

/**
 * The primitives with several results and the typed static parameters of each.
 *
 * @category model
 * @since 0.1.0
 */
export type MultiPrimitiveParams = {
  readonly lstmGates: NoParams
  readonly lstmGatesBackward: NoParams
  readonly gruGatesBackward: NoParams
  readonly unstack: { readonly axis: number }
  readonly lstmRecurrence: RecurrenceParams
  readonly lstmRecurrenceBackward: RecurrenceParams
  readonly gruRecurrence: RecurrenceParams
  readonly gruRecurrenceBackward: RecurrenceParams
}

/**
 * The name of a primitive with several results.
 *
 * @category model
 * @since 0.1.0
 */
export type MultiPrimitiveName = keyof MultiPrimitiveParams

/**
 * The rule of primitive `P` with several results (all of the first input's dtype).
 *
 * @category model
 * @since 0.1.0
 */
export interface MultiRule<P extends MultiPrimitiveName> {
  readonly shapes: (shapes: readonly Shape[], params: MultiPrimitiveParams[P]) => E.Either<ShapeError, readonly Shape[]>
  readonly impl: (
    backend: Backend,
    inputs: readonly Operand[],
    params: MultiPrimitiveParams[P],
    outShapes: readonly Shape[],
  ) => readonly ReadonlyData[]
  readonly jvp: (
    primals: readonly Tensor[],
    tangents: readonly Linear[],
    outs: readonly Tensor[],
    params: MultiPrimitiveParams[P],
  ) => readonly Linear[]
  readonly vjp: (
    cotangents: readonly Linear[],
    primals: readonly Tensor[],
    outs: readonly Tensor[],
    params: MultiPrimitiveParams[P],
  ) => readonly Linear[]
}

/**
 * The complete table of multi-result rules.
 *
 * @category model
 * @since 0.1.0
 */
export type MultiRuleTable = { readonly [P in MultiPrimitiveName]: MultiRule<P> }

let table: MultiRuleTable | undefined

/**
 * Every multi-result primitive's rule, built on first use (the modules form a cycle through the
 * operations the rules are written in).
 *
 * @category model
 * @since 0.1.0
 */
export const multiRulesTable = (): MultiRuleTable => {
  table ??= { ...fusedMultiRules, ...recurrenceRules, unstack: unstackRule }
  return table
}
