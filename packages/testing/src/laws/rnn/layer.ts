/**
 * What the RNN laws are written against: {@link RecurrentLayer}, a small structural interface of a
 * recurrent layer with PyTorch's semantics (`torch.nn.RNN/LSTM/GRU`) typed with core types only.
 * `@recur/models` satisfies it as is (`{ config, initParams, run }`), and so can your own layer — a
 * fused kernel, a hand-written backward pass, a port — to be checked against the same laws.
 *
 * A law is a {@link PropertyLaw}: a name, a documented tolerance, the arbitrary of its inputs and a
 * `check` that returns `undefined` when the law holds and otherwise a message naming the law, the
 * config and the worst difference. It runs from vitest
 * (`test.prop([law.arbitrary])(law.name, (a) => expect(law.check(a)).toBeUndefined())`) or from any
 * runner (`fc.assert(law.property(), { seed, numRuns })`).
 *
 * @since 0.1.0
 */
import { type Backend, type DType, fromFlat, Random, type Tensor } from '@recur/core'
import fc from 'fast-check'
import type { RnnConfig, RnnData, RnnProblem } from '../../arbitraries/rnn.js'

/**
 * A layer's parameters: tensors under PyTorch's state_dict names (`weight_ih_l0`, `bias_hh_l1`,
 * `weight_hh_l0_reverse`, `weight_hr_l0`), which the laws use to take a layer or a direction apart.
 *
 * @category model
 * @since 0.1.0
 */
export type RnnParams = { readonly [name: string]: Tensor }

/**
 * The options of one call: `h0` `(D·numLayers, N, H_out)` (or `(D·numLayers, H_out)` unbatched),
 * `c0` (LSTM) `(D·numLayers, N, hiddenSize)`, and the valid length of each sequence (batched only).
 * Absent states are zeros.
 *
 * @category model
 * @since 0.1.0
 */
export interface RnnRunOptions {
  readonly h0?: Tensor
  readonly c0?: Tensor
  readonly lengths?: readonly number[]
}

/**
 * What one call returns: `output` `(L, N, D·H_out)` (`(N, L, ·)` batch-first, `(L, ·)` unbatched),
 * `h_n` `(D·numLayers, N, H_out)` and, for LSTM only, `c_n` `(D·numLayers, N, hiddenSize)`.
 *
 * @category model
 * @since 0.1.0
 */
export interface RnnOutput {
  readonly output: Tensor
  readonly h_n: Tensor
  readonly c_n?: Tensor
}

/**
 * Where tensors live: the backend and dtype of every tensor a law builds.
 *
 * @category model
 * @since 0.1.0
 */
export interface RnnPlace {
  readonly backend: Backend
  readonly dtype: DType
}

/**
 * A recurrent layer with PyTorch's semantics, as the laws see it: `config` turns a generated
 * {@link RnnConfig} (every option present) into your config type `C`, `initParams` draws
 * parameters with PyTorch's names on `place`, and `run` is one call. `@recur/models` is one:
 *
 * @example
 * import { config, initParams, run } from '@recur/models'
 * const layer: RecurrentLayer<Config> = { config, initParams, run }
 *
 * @category model
 * @since 0.1.0
 */
export interface RecurrentLayer<C> {
  readonly config: (raw: RnnConfig) => C
  readonly initParams: (config: C, key: Random.Key, place: RnnPlace) => RnnParams
  readonly run: (config: C, params: RnnParams, input: Tensor, options: RnnRunOptions) => RnnOutput
}

/**
 * A law as data: run `check` on values of `arbitrary` (it returns `undefined` when the law holds,
 * else a message naming the law, the config and the worst difference); `property()` is the same as
 * a fast-check property that throws that message.
 *
 * @category model
 * @since 0.1.0
 */
export interface PropertyLaw<A> {
  readonly name: string
  /** The largest difference allowed (0: bitwise equal up to the sign of zero). */
  readonly tolerance: number
  readonly arbitrary: fc.Arbitrary<A>
  readonly check: (input: A) => string | undefined
  readonly property: () => fc.IPropertyWithHooks<[A]>
  /**
   * Searches for a counterexample (`fc.check` without shrinking): its message, or `undefined`
   * when `numRuns` values pass. For checking that the law rejects a broken implementation.
   */
  readonly findCounterexample: (parameters?: { readonly seed?: number; readonly numRuns?: number }) => string | undefined
}

/**
 * Builds a {@link PropertyLaw} from its parts.
 *
 * @category constructors
 * @since 0.1.0
 */
export const propertyLaw = <A>(
  name: string,
  tolerance: number,
  arbitrary: fc.Arbitrary<A>,
  check: (input: A) => string | undefined,
): PropertyLaw<A> => {
  const property = () =>
    fc.property(arbitrary, (a) => {
      const failure = check(a)
      if (failure !== undefined) throw new Error(failure)
    })
  return {
    name,
    tolerance,
    arbitrary,
    check,
    property,
    findCounterexample: (parameters = {}) => {
      const out = fc.check(property(), { ...parameters, endOnFailure: true })
      if (!out.failed) return undefined
      return out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance)
    },
  }
}

/**
 * One problem made concrete on a place: the config, the parameters from the problem's seed, and
 * the tensors of the call.
 *
 * @category model
 * @since 0.1.0
 */
export interface RnnCall<C> {
  readonly config: C
  readonly params: RnnParams
  readonly x: Tensor
  readonly h0: Tensor | undefined
  readonly c0: Tensor | undefined
  readonly lengths: readonly number[] | undefined
}

/**
 * A tensor of `data` on `place`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const rnnTensor = (data: RnnData, place: RnnPlace): Tensor => fromFlat(data.values, data.shape, place)

/**
 * The call of `problem`: parameters from `initParams(config, Random.key(problem.seed), place)`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const rnnCall = <C>(layer: RecurrentLayer<C>, problem: RnnProblem, place: RnnPlace): RnnCall<C> => {
  const config = layer.config(problem.config)
  return {
    config,
    params: layer.initParams(config, Random.key(problem.seed), place),
    x: rnnTensor(problem.input, place),
    h0: problem.h0 === undefined ? undefined : rnnTensor(problem.h0, place),
    c0: problem.c0 === undefined ? undefined : rnnTensor(problem.c0, place),
    lengths: problem.lengths,
  }
}

/**
 * Run options from possibly absent parts (absent ones are left out, not `undefined`).
 *
 * @category constructors
 * @since 0.1.0
 */
export const runOptions = (h0: Tensor | undefined, c0: Tensor | undefined, lengths?: readonly number[]): RnnRunOptions => ({
  ...(h0 === undefined ? {} : { h0 }),
  ...(c0 === undefined ? {} : { c0 }),
  ...(lengths === undefined ? {} : { lengths }),
})

/**
 * A short rendering of a generated config for failure messages: only what differs from PyTorch's
 * defaults, plus the problem's sizes.
 *
 * @category formatting
 * @since 0.1.0
 */
export const describeProblem = (p: RnnProblem): string => {
  const c = p.config
  const parts = [
    `${c.mode}`,
    `inputSize ${c.inputSize}`,
    `hiddenSize ${c.hiddenSize}`,
    `numLayers ${c.numLayers}`,
    ...(c.bidirectional ? ['bidirectional'] : []),
    ...(c.bias ? [] : ['bias false']),
    ...(c.batchFirst ? ['batchFirst'] : []),
    ...(c.projSize > 0 ? [`projSize ${c.projSize}`] : []),
    ...(c.mode === 'GRU' && !c.resetAfter ? ['resetAfter false'] : []),
  ]
  const data = [
    `L ${p.seqLength}`,
    p.batch === undefined ? 'unbatched' : `N ${p.batch}`,
    ...(p.lengths === undefined ? [] : [`lengths [${p.lengths.join(', ')}]`]),
    ...(p.h0 === undefined ? [] : ['h0']),
    ...(p.c0 === undefined ? [] : ['c0']),
    `seed ${p.seed}`,
  ]
  return `{ ${parts.join(', ')} } with ${data.join(', ')}`
}
