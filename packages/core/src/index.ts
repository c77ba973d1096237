/**
 * `@recur/core`: shapes, dtypes, immutable tensors, the Backend interface, and operations.
 *
 * @since 0.1.0
 */

export { checkpoint } from './autodiff/checkpoint.js'
export { type CustomVjpRules, customVjp } from './autodiff/customVjp.js'
export { type GradOf, type GradOptions, grad, hvp, linearize, valueAndGrad, valueAndGradWithAux } from './autodiff/grad.js'
export { jvp } from './autodiff/jvp.js'
export { vjp, vjpWithAux } from './autodiff/vjp.js'
export * from './Backend.js'
export * from './create.js'
export * from './DType.js'
export { formatNumber } from './format.js'
export type { Nested } from './nested.js'
export type { TensorLike } from './ops/args.js'
export * from './ops/cast.js'
export * from './ops/elementwise.js'
export {
  composedGruGates,
  composedLstmGates,
  gruGates,
  gruGatesBackward,
  lstmGates,
  lstmGatesBackward,
} from './ops/fused.js'
export * from './ops/indexing.js'
export * from './ops/linalg.js'
export * from './ops/movement.js'
export * from './ops/recurrence.js'
export * from './ops/reduce.js'
export type { PrimitiveName, PrimitiveParams } from './primitives/Params.js'
export * as Random from './Random.js'
export type { Shape } from './Shape.js'
export * as Shapes from './Shape.js'
export { formatShape, ShapeError, type ShapeErrorDetails, shapeError } from './ShapeError.js'
export { type ScanOptions, type Step, scan } from './scan.js'
export { isTensor, Tensor } from './Tensor.js'
export type { Tree as TreeT, TreeDef } from './Tree.js'
export * as Tree from './Tree.js'
