/**
 * Optimizers and gradient transformations, composed like optax:
 * `chain(clipByGlobalNorm(1), adam(1e-3))`; learning-rate schedules wherever a rate is accepted.
 *
 * @since 0.1.0
 */
export * from './adagrad.js'
export * from './adam.js'
export * from './chain.js'
export * from './clip.js'
export * from './rmsprop.js'
export * from './schedules.js'
export * from './sgd.js'
export { applyUpdates, type LearningRate, rateAt, type Schedule, type Transform } from './transform.js'
export * from './weightDecay.js'
