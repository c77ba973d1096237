/**
 * Learning-rate schedules: pure functions from the update index `step` (0 for the first update)
 * to a rate. Every optimizer takes one wherever it takes a rate, and reads its own step counter
 * from its state, so a schedule needs no separate scheduler object (unlike `torch.optim.lr_scheduler`,
 * whose `step()` mutates the optimizer).
 *
 * @since 0.1.0
 */
import { checkHyper, type LearningRate, rateAt, type Schedule } from './transform.js'

const checkSteps = (op: string, name: string, n: number): void => {
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`${op}: ${name} must be a positive integer, got ${String(n)}`)
}

/**
 * `value` at every step.
 *
 * @category schedules
 * @since 0.1.0
 */
export const constant =
  (value: number): Schedule =>
  () =>
    value

/**
 * `init · gamma^⌊step / stepSize⌋`: multiply by `gamma` every `stepSize` steps (PyTorch's `StepLR`).
 *
 * @category schedules
 * @since 0.1.0
 */
export const stepDecay = (init: number, options: { readonly stepSize: number; readonly gamma?: number }): Schedule => {
  const gamma = options.gamma ?? 0.1
  checkSteps('stepDecay', 'stepSize', options.stepSize)
  checkHyper('stepDecay', 'gamma', gamma, 0)
  return (step) => init * gamma ** Math.floor(step / options.stepSize)
}

/**
 * `init · gamma^(step / every)` (`every` default 1: PyTorch's `ExponentialLR`); with
 * `staircase`, the exponent is rounded down.
 *
 * @category schedules
 * @since 0.1.0
 */
export const exponentialDecay = (
  init: number,
  gamma: number,
  options: { readonly every?: number; readonly staircase?: boolean } = {},
): Schedule => {
  const every = options.every ?? 1
  checkHyper('exponentialDecay', 'gamma', gamma, 0)
  checkSteps('exponentialDecay', 'every', every)
  return (step) => init * gamma ** (options.staircase === true ? Math.floor(step / every) : step / every)
}

/**
 * Half a cosine from `init` at step 0 to `final` (default 0) at `decaySteps`, then `final`:
 * `final + (init − final)·(1 + cos(π·step/decaySteps))/2` — PyTorch's `CosineAnnealingLR` with
 * `T_max = decaySteps` and `eta_min = final` up to `decaySteps` (PyTorch's then rises again; this
 * one stays at `final`, as optax's).
 *
 * @category schedules
 * @since 0.1.0
 */
export const cosineDecay = (init: number, decaySteps: number, options: { readonly final?: number } = {}): Schedule => {
  const final = options.final ?? 0
  checkSteps('cosineDecay', 'decaySteps', decaySteps)
  return (step) => final + ((init - final) * (1 + Math.cos((Math.PI * Math.min(step, decaySteps)) / decaySteps))) / 2
}

/**
 * A linear ramp from `start` (default 0) at step 0 towards `then`'s first rate over
 * `warmupSteps` steps, then `then` (a rate or a schedule, shifted so that it starts at step 0):
 * `start + (then(0) − start)·step/warmupSteps` for `step < warmupSteps`, else
 * `then(step − warmupSteps)` (optax's convention; with the default `start = 0` the first update
 * is zero).
 *
 * @example
 * const lr = linearWarmup(100, cosineDecay(1e-3, 10_000))
 *
 * @category schedules
 * @since 0.1.0
 */
export const linearWarmup = (warmupSteps: number, then: LearningRate, options: { readonly start?: number } = {}): Schedule => {
  const start = options.start ?? 0
  checkSteps('linearWarmup', 'warmupSteps', warmupSteps)
  return (step) =>
    step < warmupSteps ? start + ((rateAt(then, 0) - start) * step) / warmupSteps : rateAt(then, step - warmupSteps)
}
