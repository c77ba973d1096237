/**
 * Everything a training run needs, built either from the command's flags (a new run) or from a
 * checkpoint (a resumed run, or `sample` / `evaluate`): the metadata, the task, the model config,
 * the optimizer, and the current parameters, optimizer state and carried state.
 */
import { cpu, cpuFast } from '@recur/backend-cpu'
import { type Backend, Random, type TreeT } from '@recur/core'
import {
  type CharLMConfig,
  type CharLMParams,
  initCharLM,
  type SequenceBatch,
  type StreamBatch,
  type Transform,
} from '@recur/models'
import { type Meta, modelConfig } from './model.js'
import { optimizerOf } from './optimizer.js'
import { brownTask } from './tasks/brown.js'
import { namesTask } from './tasks/names.js'
import type { Carried, Place, Task } from './tasks/task.js'

/** The parts common to every dataset. */
export type Common = {
  readonly meta: Meta
  readonly config: CharLMConfig
  readonly opt: Transform
  readonly params: CharLMParams
  readonly optState: TreeT
  readonly carried: Carried
}

/** A task with its kind, so that its batch type follows from `kind`. */
export type KindedTask =
  | { readonly kind: 'names'; readonly task: Task<SequenceBatch> }
  | { readonly kind: 'brown'; readonly task: Task<StreamBatch> }

/** A run's set-up, by dataset. */
export type Setup = Common & KindedTask

/** `common` with the task of `t`. */
export const withTask = (common: Common, t: KindedTask): Setup =>
  t.kind === 'names' ? { ...common, kind: 'names', task: t.task } : { ...common, kind: 'brown', task: t.task }

/**
 * The backend a run names: `cpu` (float32 products summed in float64, the conformance kit's
 * contract) or `cpu-fast` (`cpuFast`: float32 products summed in float32, as PyTorch does; faster).
 */
export const backendOf = (name: Meta['model']['backend']): Backend => (name === 'cpu-fast' ? cpuFast : cpu)

/** The keys of a seed: parameter initialisation, data order, and the rest (dropout, samples). */
export const keysOf = (seed: number): { readonly init: Random.Key; readonly data: Random.Key } => {
  const [init, data] = Random.split(Random.key(seed), 3) as [Random.Key, Random.Key, Random.Key]
  return { init, data }
}

/** The task of `meta` (with its vocabulary when `fixedVocab`). */
export const taskOf = (meta: Meta, place: Place, fixedVocab: boolean): KindedTask => {
  const vocab = fixedVocab ? meta.vocab : undefined
  const d = meta.data
  return d.dataset === 'names'
    ? { kind: 'names', task: namesTask(d.batch, keysOf(meta.seed).data, place, vocab) }
    : { kind: 'brown', task: brownTask(d.batch, d.bptt, d.maxChars, place, vocab) }
}

/** The flags of a new run that the set-up reads. */
export type NewRunFlags = {
  readonly dataset: string
  readonly cell: string
  readonly embed: number
  readonly hidden: number
  readonly layers: number
  readonly dropout: number
  readonly batch: number
  readonly bptt: number
  readonly maxChars: number
  readonly optimizer: string
  readonly lr: number
  readonly clip: number
  readonly seed: number
  readonly backend: string
}

const oneOf = <K extends string>(value: string, choices: readonly K[]): K => {
  const k = choices.find((c) => c === value)
  if (k === undefined) throw new Error(`'${value}' is not one of ${choices.join(', ')}`)
  return k
}

/** A new run from its flags: fresh parameters and optimizer state. */
export const setupOf = (f: NewRunFlags): Setup => {
  const backendName = oneOf(f.backend, ['cpu', 'cpu-fast'])
  const place: Place = { backend: backendOf(backendName), dtype: 'float32' }
  const base: Meta = {
    version: 2,
    model: {
      cell: oneOf(f.cell, ['LSTM', 'GRU', 'RNN_TANH', 'RNN_RELU']),
      embedSize: f.embed,
      hiddenSize: f.hidden,
      numLayers: f.layers,
      dropout: f.dropout,
      dtype: place.dtype === 'float64' ? 'float64' : 'float32',
      backend: backendName,
    },
    vocab: [],
    data: { dataset: oneOf(f.dataset, ['names', 'brown']), batch: f.batch, bptt: f.bptt, maxChars: f.maxChars },
    optimizer: { name: oneOf(f.optimizer, ['adam', 'adamw', 'sgd', 'momentum', 'rmsprop']), lr: f.lr, clip: f.clip },
    step: 0,
    epoch: 0,
    stepInEpoch: 0,
    key: [...keysOf(f.seed).data.words] as [number, number],
    seed: f.seed,
    valBpc: null,
  }
  const t = taskOf(base, place, false)
  const meta: Meta = { ...base, vocab: [...t.task.vocab.chars] }
  const config = modelConfig(meta)
  const params = initCharLM(config, keysOf(f.seed).init, place)
  const opt = optimizerOf(meta.optimizer)
  const common: Common = { meta, config, opt, params, optState: opt.init(params), carried: t.task.initialCarried(config) }
  return withTask(common, t)
}
