/**
 * Losses: pure, differentiable functions of predictions and targets, each with a `reduction`
 * (`'mean'`, `'sum'`, `'none'`) and an optional `mask` for padded steps.
 *
 * @since 0.1.0
 */
export * from './binaryCrossEntropy.js'
export type { ClassWeightOptions } from './classTargets.js'
export * from './focal.js'
export * from './hinge.js'
export * from './huber.js'
export * from './klDivergence.js'
export * from './logCosh.js'
export * from './mae.js'
export * from './mse.js'
export * from './nll.js'
export * from './quantile.js'
export { type LossOptions, type Reduction, reduceLoss } from './reduction.js'
export * from './softmaxCrossEntropy.js'
