/**
 * Training steps as pure functions: `trainStep(loss, optimizer)` gives
 * `(params, optState, batch, key) → [params, optState, metrics]`, and `statefulTrainStep` the same
 * for truncated backpropagation through time, where a recurrent state is carried from one window
 * of a long stream to the next: it enters each step as a constant, so the gradient is cut between
 * windows while the forward pass continues where the last window stopped.
 *
 * Nothing here mutates: parameters, optimizer state and carried state are new trees every step,
 * and the same inputs (including the key) give the same numbers.
 *
 * @since 0.1.0
 */
import { type Random, type Tensor, type TreeT, valueAndGrad, valueAndGradWithAux } from '@recur/core'
import { globalNorm } from '../optim/clip.js'
import { applyUpdates, type Transform } from '../optim/transform.js'

/**
 * What one step measured: the loss before the update, and the global L2 norm of the gradient
 * (before any clipping the optimizer does). Either may be NaN or ±∞: the caller decides what a
 * non-finite loss means (the update is still computed, as PyTorch does).
 *
 * @category model
 * @since 0.1.0
 */
export type StepMetrics = {
  readonly loss: number
  readonly gradNorm: number
}

/**
 * A scalar loss of the parameters on one batch; `key` is for dropout (absent: no dropout).
 *
 * @category model
 * @since 0.1.0
 */
export type LossFn<P extends TreeT, B> = (params: P, batch: B, key: Random.Key | undefined) => Tensor

/**
 * A scalar loss that also returns the recurrent state reached at the end of the batch, given the
 * state it started from.
 *
 * @category model
 * @since 0.1.0
 */
export type StatefulLossFn<P extends TreeT, B, S extends TreeT> = (
  params: P,
  batch: B,
  state: S,
  key: Random.Key | undefined,
) => readonly [Tensor, S]

const checkScalar = (op: string, loss: Tensor): void => {
  if (loss.rank !== 0) throw new TypeError(`${op}: the loss must be a scalar tensor (shape []), got [${loss.shape.join(', ')}]`)
}

/**
 * One optimisation step: the loss and its gradient by reverse mode, the optimizer's update,
 * applied. `params` is any parameter tree; `optState` is `optimizer.init(params)` or the state a
 * previous step returned.
 *
 * @example
 * const step = trainStep((p: CharLMParams, b: SequenceBatch) => loss(p, b), chain(clipByGlobalNorm(1), adam(3e-3)))
 * let [params, state] = [initial, opt.init(initial)]
 * for (const b of data) { const [p, s, m] = step(params, state, b); params = p; state = s; log(m.loss) }
 *
 * @category training
 * @since 0.1.0
 */
export const trainStep =
  <P extends TreeT, B>(loss: LossFn<P, B>, optimizer: Transform) =>
  (params: P, optState: TreeT, batch: B, key?: Random.Key): readonly [P, TreeT, StepMetrics] => {
    const [value, grads] = valueAndGrad((p: P) => loss(p, batch, key))(params)
    checkScalar('trainStep', value)
    const [updates, nextState] = optimizer.update(grads, optState, params)
    return [applyUpdates(params, updates), nextState, { loss: value.item(), gradNorm: globalNorm(grads).item() }]
  }

/**
 * One step of truncated backpropagation through time: like {@link trainStep}, with a recurrent
 * `state` carried in and the state at the end of the window carried out. The carried-out state is
 * a plain value (no gradient flows back into earlier windows through it); feed it to the next
 * window's step to continue the stream.
 *
 * @category training
 * @since 0.1.0
 */
export const statefulTrainStep =
  <P extends TreeT, B, S extends TreeT>(loss: StatefulLossFn<P, B, S>, optimizer: Transform) =>
  (params: P, optState: TreeT, batch: B, state: S, key?: Random.Key): readonly [P, TreeT, S, StepMetrics] => {
    const [[value, next], grads] = valueAndGradWithAux((p: P) => loss(p, batch, state, key))(params)
    checkScalar('statefulTrainStep', value)
    const [updates, nextState] = optimizer.update(grads, optState, params)
    return [applyUpdates(params, updates), nextState, next, { loss: value.item(), gradNorm: globalNorm(grads).item() }]
  }
