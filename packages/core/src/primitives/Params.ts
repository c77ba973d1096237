/**
 * The closed set of primitives and the typed static parameters of each. A rule table over
 * `PrimitiveName` is complete or it does not compile.
 *
 * @since 0.1.0
 */
import type { ArgReduceOp, BinaryOp, CompareOp, Pad, UnaryOp } from '../Backend.js'
import type { DType } from '../DType.js'
import type { Shape } from '../Shape.js'

/** No parameters. */
export type NoParams = { readonly [key: string]: never }

/** Axes, already resolved: sorted, distinct, in range. */
export interface AxesParams {
  readonly axes: readonly number[]
}

/**
 * Every primitive with its parameters.
 *
 * @category model
 * @since 0.1.0
 */
export type PrimitiveParams = { readonly [K in UnaryOp | BinaryOp | CompareOp]: NoParams } & {
  readonly [K in ArgReduceOp]: { readonly axis: number }
} & {
  readonly where: NoParams
  readonly sum: AxesParams
  readonly prod: AxesParams
  readonly max: AxesParams
  readonly min: AxesParams
  readonly logSumExp: AxesParams
  readonly logSoftmax: { readonly axis: number }
  readonly matmul: { readonly transposeA: boolean; readonly transposeB: boolean }
  readonly transpose: { readonly perm: readonly number[] }
  readonly reshape: { readonly shape: Shape }
  readonly broadcastTo: { readonly shape: Shape }
  readonly slice: { readonly begin: readonly number[]; readonly size: Shape }
  readonly pad: { readonly pads: readonly Pad[]; readonly value: number }
  readonly concat: { readonly axis: number }
  readonly gather: { readonly axis: number }
  readonly scatterAdd: { readonly axis: number; readonly shape: Shape }
  readonly oneHot: { readonly depth: number; readonly dtype: DType }
  readonly cast: { readonly dtype: DType }
  readonly stopGradient: NoParams
  readonly gruGates: NoParams
}

/**
 * The name of a primitive.
 *
 * @category model
 * @since 0.1.0
 */
export type PrimitiveName = keyof PrimitiveParams
