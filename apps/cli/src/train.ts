/**
 * `recur train`: trains a character-level language model — on the names data (each name its own
 * sequence) or on the Brown corpus (truncated BPTT over one long stream) — with progress, JSONL
 * metrics, an SVG plot, atomic checkpoints, and samples at the end. `--resume` continues from a
 * checkpoint and gives exactly the parameters that training straight through would have given.
 */
import { accessSync, appendFileSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Random, type TreeT } from '@recur/core'
import { type CharLMParams, statefulTrainStep } from '@recur/models'
import * as E from 'fp-ts/lib/Either.js'
import { type Flags, kebab, parse, usage } from './args.js'
import { saveCheckpoint } from './checkpoint.js'
import { loadCheckpoint } from './evaluate.js'
import type { Meta } from './model.js'
import { plotOf, previousPoints } from './plotRun.js'
import { clock, reporter } from './progress.js'
import { sampleTexts } from './sample.js'
import { type Common, type Setup, setupOf } from './setup.js'
import type { Carried, Task } from './tasks/task.js'

export const trainFlags = {
  dataset: { kind: 'choice', default: 'names', choices: ['names', 'brown'], help: 'training data' },
  backend: {
    kind: 'choice',
    default: 'cpu',
    choices: ['cpu', 'cpu-fast'],
    help: 'cpu sums float32 products in float64; cpu-fast sums them in float32 as PyTorch does (about 25% faster here)',
  },
  cell: { kind: 'choice', default: 'LSTM', choices: ['LSTM', 'GRU', 'RNN_TANH', 'RNN_RELU'], help: 'recurrent cell' },
  embed: { kind: 'number', default: 32, integer: true, min: 1, help: 'embedding size' },
  hidden: { kind: 'number', default: 128, integer: true, min: 1, help: 'hidden size' },
  layers: { kind: 'number', default: 1, integer: true, min: 1, help: 'stacked layers' },
  dropout: { kind: 'number', default: 0, min: 0, help: 'dropout between stacked layers (0 ≤ p < 1)' },
  batch: { kind: 'number', default: 32, integer: true, min: 1, help: 'names per batch (names) or parallel streams (brown)' },
  bptt: { kind: 'number', default: 64, integer: true, min: 1, help: 'brown: characters per truncated-BPTT window' },
  maxChars: { kind: 'number', default: 200000, integer: true, min: 0, help: 'brown: training characters to use (0: all 5.5 M)' },
  optimizer: { kind: 'choice', default: 'adam', choices: ['adam', 'adamw', 'sgd', 'momentum', 'rmsprop'], help: 'optimizer' },
  lr: { kind: 'number', default: 3e-3, min: 0, help: 'learning rate' },
  clip: { kind: 'number', default: 1, min: 0, help: 'clip gradients to this global norm (0: off)' },
  epochs: {
    kind: 'number',
    default: 4,
    integer: true,
    min: 1,
    help: 'passes over the training data (with --resume: the total to reach)',
  },
  seed: { kind: 'number', default: 0, integer: true, min: 0, help: 'seed of every random choice' },
  out: { kind: 'optional', help: 'output directory (default runs/<dataset>, or the checkpoint’s with --resume)' },
  resume: { kind: 'optional', help: 'continue from this checkpoint (model, data, optimizer and seed come from it)' },
  checkpointEvery: {
    kind: 'number',
    default: 0,
    integer: true,
    min: 0,
    help: 'also save a checkpoint every this many steps (0: after each epoch only)',
  },
  maxSteps: {
    kind: 'number',
    default: 0,
    integer: true,
    min: 0,
    help: 'stop after this many steps in this run, saving a checkpoint (0: no limit)',
  },
  samples: { kind: 'number', default: 12, integer: true, min: 0, help: 'samples to print at the end' },
} as const satisfies Flags

/** Flags that a checkpoint fixes: giving one with --resume is an error. */
const fixedByCheckpoint = [
  'dataset',
  'backend',
  'cell',
  'embed',
  'hidden',
  'layers',
  'dropout',
  'batch',
  'bptt',
  'maxChars',
  'optimizer',
  'lr',
  'clip',
  'seed',
]

/** Runs `recur train`; returns the process exit code. */
export const train = (argv: readonly string[]): number => {
  if (argv.includes('--help')) {
    process.stdout.write(
      `${usage('train', 'Train a character-level language model: on 8,422 first names (fixed 90/10 split), or on the Brown corpus with truncated BPTT.', trainFlags)}\n`,
    )
    return 0
  }
  const parsed = parse('train', trainFlags, argv)
  if (E.isLeft(parsed)) throw new Error(parsed.left)
  const f = parsed.right
  if (f.dropout >= 1) throw new Error(`--dropout must be below 1, got ${f.dropout}`)
  let setup: Setup
  if (f.resume === undefined) setup = setupOf(f)
  else {
    const clash = fixedByCheckpoint.find((n) => argv.some((a) => a === `--${kebab(n)}` || a.startsWith(`--${kebab(n)}=`)))
    if (clash !== undefined)
      throw new Error(
        `--${kebab(clash)} cannot be combined with --resume: the checkpoint fixes the model, data, optimizer and seed`,
      )
    setup = loadCheckpoint(f.resume, 'train')
  }
  const out = f.out ?? (f.resume === undefined ? join('runs', setup.meta.data.dataset) : dirname(f.resume))
  mkdirSync(out, { recursive: true })
  accessSync(out, constants.W_OK)
  return setup.kind === 'names' ? loop(setup.task, setup, f, out) : loop(setup.task, setup, f, out)
}

type TrainOptions = {
  readonly epochs: number
  readonly checkpointEvery: number
  readonly maxSteps: number
  readonly samples: number
}

const loop = <B>(task: Task<B>, setup: Common, f: TrainOptions, out: string): number => {
  const { config, opt } = setup
  const meta0 = setup.meta
  const metricsFile = join(out, 'metrics.jsonl')
  const checkpointFile = join(out, 'checkpoint.safetensors')
  const resumed = meta0.step > 0
  const earlier = resumed ? previousPoints(readMetrics(metricsFile), meta0.step) : { lines: [], losses: [], vals: [] }
  writeFileSync(metricsFile, earlier.lines.join(''))
  const step = statefulTrainStep(
    (p: CharLMParams, b: B, carried: Carried, key: Random.Key | undefined) => task.loss(config, p, b, carried, key),
    opt,
  )
  const dropKey = Random.foldIn(Random.key(meta0.seed), 7)
  let params = setup.params
  let optState: TreeT = setup.optState
  let carried: Carried = setup.carried
  let total = meta0.step
  let valBpc: number | undefined = meta0.valBpc ?? undefined
  const losses = earlier.losses
  const vals = earlier.vals
  const perEpoch = task.batchesOf(1).length
  const steps = perEpoch * f.epochs
  const progress = reporter(process.stderr)
  const base = task.baselines
  process.stderr.write(
    `recur train: ${meta0.model.cell} on ${meta0.model.backend}, embed ${meta0.model.embedSize} hidden ${meta0.model.hiddenSize} × ${meta0.model.numLayers}, ${meta0.optimizer.name} lr ${meta0.optimizer.lr}${meta0.optimizer.clip > 0 ? `, clip ${meta0.optimizer.clip}` : ''}; ${task.summary}; baselines: unigram ${base.unigram.toFixed(3)} bpc, bigram ${base.bigram.toFixed(3)} bpc${resumed ? `; resuming at step ${meta0.step} (epoch ${meta0.epoch + 1}, step ${meta0.stepInEpoch + 1} of it)` : ''}\n`,
  )
  let tokens = 0
  let ranSteps = 0
  const start = performance.now()
  const metaAt = (epoch: number, stepInEpoch: number): Meta => ({
    ...meta0,
    step: total,
    epoch,
    stepInEpoch,
    valBpc: valBpc ?? null,
  })
  const save = (epoch: number, stepInEpoch: number) =>
    saveCheckpoint(checkpointFile, { params, opt: optState, carried }, metaAt(epoch, stepInEpoch))
  for (let epoch = meta0.epoch + 1; epoch <= f.epochs; epoch++) {
    const epochStart = performance.now()
    let epochBits = 0
    let epochTokens = 0
    const all = task.batchesOf(epoch)
    const first = epoch === meta0.epoch + 1 ? meta0.stepInEpoch : 0
    if (first === 0) carried = task.initialCarried(config)
    for (let i = first; i < all.length; i++) {
      const b = all[i] as B
      const key = meta0.model.dropout > 0 ? Random.foldIn(Random.foldIn(dropKey, epoch), i) : undefined
      const [p, s, c, m] = step(params, optState, b, carried, key)
      if (!Number.isFinite(m.loss)) {
        const kept =
          total > 0 && (epoch > 1 || f.checkpointEvery > 0) ? 'the last checkpoint is kept' : 'no checkpoint was written'
        throw new Error(`the loss became ${m.loss} at step ${total + 1} (try a smaller --lr or --clip); ${kept}`)
      }
      params = p
      optState = s
      carried = c
      total++
      ranSteps++
      const n = task.tokens(b)
      tokens += n
      epochBits += m.loss * n
      epochTokens += n
      losses.push([total, m.loss])
      const elapsed = (performance.now() - start) / 1000
      progress.update({
        step: total,
        steps,
        epoch,
        epochs: f.epochs,
        loss: m.loss,
        valBpc,
        tokensPerSecond: tokens / elapsed,
        elapsed,
      })
      if (total % 20 === 0)
        appendFileSync(
          metricsFile,
          `${JSON.stringify({ kind: 'step', step: total, epoch, loss_bpc: m.loss, grad_norm: m.gradNorm, tokens_per_s: tokens / elapsed })}\n`,
        )
      const stop = f.maxSteps > 0 && ranSteps >= f.maxSteps
      if (i + 1 < all.length && (stop || (f.checkpointEvery > 0 && total % f.checkpointEvery === 0))) save(epoch - 1, i + 1)
      if (stop && i + 1 < all.length) {
        progress.done()
        process.stdout.write(
          `stopped after ${ranSteps} steps (--max-steps) at step ${total}; resume with: recur train --resume ${checkpointFile} --epochs ${f.epochs}\n`,
        )
        writeFileSync(join(out, 'plot.svg'), plotOf(task, losses, vals))
        return 0
      }
    }
    valBpc = task.evaluate(config, params)
    vals.push([total, valBpc])
    const seconds = (performance.now() - epochStart) / 1000
    appendFileSync(
      metricsFile,
      `${JSON.stringify({ kind: 'epoch', epoch, step: total, train_bpc: epochBits / Math.max(1, epochTokens), val_bpc: valBpc, seconds })}\n`,
    )
    save(epoch, 0)
    writeFileSync(join(out, 'plot.svg'), plotOf(task, losses, vals))
    const elapsed = (performance.now() - start) / 1000
    progress.update(
      {
        step: total,
        steps,
        epoch,
        epochs: f.epochs,
        loss: epochBits / Math.max(1, epochTokens),
        valBpc,
        tokensPerSecond: tokens / elapsed,
        elapsed,
      },
      true,
    )
    if (f.maxSteps > 0 && ranSteps >= f.maxSteps && epoch < f.epochs) {
      progress.done()
      process.stdout.write(
        `stopped after ${ranSteps} steps (--max-steps) at step ${total}; resume with: recur train --resume ${checkpointFile} --epochs ${f.epochs}\n`,
      )
      return 0
    }
  }
  progress.done()
  const seconds = (performance.now() - start) / 1000
  const o = process.stdout
  o.write(
    `\nvalidation ${(valBpc ?? Number.NaN).toFixed(3)} bits per character after ${f.epochs} epochs (${clock(seconds)}${resumed ? ' since resuming' : ''}); baselines: unigram ${base.unigram.toFixed(3)}, bigram ${base.bigram.toFixed(3)}\n`,
  )
  o.write(`wrote ${metricsFile}, ${join(out, 'plot.svg')}, ${checkpointFile}\n`)
  if (f.samples > 0) {
    const texts = sampleTexts(config, params, task.vocab, Random.foldIn(Random.key(meta0.seed), 3), {
      count: f.samples,
      temperature: 0.8,
      topK: 0,
      prefix: '',
      maxLength: task.sampleLength,
      start: task.boundary,
      end: task.boundary,
    })
    o.write(`sampled ${task.sampleNoun} (temperature 0.8): ${texts.join(task.dataset === 'names' ? ', ' : ' | ')}\n`)
  }
  return 0
}

/** The lines of an earlier run's metrics file ('' when there is none). */
const readMetrics = (file: string): string => {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}
