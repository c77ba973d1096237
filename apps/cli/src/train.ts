/**
 * `recur train`: trains a character-level language model on the names data with progress, JSONL
 * metrics, an SVG plot, atomic checkpoints every epoch, and sampled names at the end.
 */
import { accessSync, appendFileSync, constants, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cpu } from '@recur/backend-cpu'
import { Random, type TreeT, valueAndGrad } from '@recur/core'
import {
  adam,
  adamw,
  applyUpdates,
  batches,
  type CharLMParams,
  chain,
  charLMConfig,
  clipByGlobalNorm,
  initCharLM,
  momentum,
  rmsprop,
  sgd,
  type Transform,
  vocabOf,
  vocabSize,
} from '@recur/models'
import * as E from 'fp-ts/lib/Either.js'
import { type Flags, parse, usage } from './args.js'
import { baselines } from './baselines.js'
import { saveCheckpoint } from './checkpoint.js'
import { loadNames } from './datasets/names.js'
import { evaluateBpc } from './evaluate.js'
import { batchBpc, type Meta } from './model.js'
import { svgChart } from './plot.js'
import { clock, reporter } from './progress.js'
import { sampleTexts } from './sample.js'

export const trainFlags = {
  cell: { kind: 'choice', default: 'LSTM', choices: ['LSTM', 'GRU', 'RNN_TANH', 'RNN_RELU'], help: 'recurrent cell' },
  embed: { kind: 'number', default: 32, integer: true, min: 1, help: 'embedding size' },
  hidden: { kind: 'number', default: 128, integer: true, min: 1, help: 'hidden size' },
  layers: { kind: 'number', default: 1, integer: true, min: 1, help: 'stacked layers' },
  batch: { kind: 'number', default: 32, integer: true, min: 1, help: 'names per batch' },
  optimizer: { kind: 'choice', default: 'adam', choices: ['adam', 'adamw', 'sgd', 'momentum', 'rmsprop'], help: 'optimizer' },
  lr: { kind: 'number', default: 3e-3, min: 0, help: 'learning rate' },
  clip: { kind: 'number', default: 1, min: 0, help: 'clip gradients to this global norm (0: off)' },
  epochs: { kind: 'number', default: 4, integer: true, min: 1, help: 'passes over the training names' },
  seed: { kind: 'number', default: 0, integer: true, min: 0, help: 'seed of every random choice' },
  out: { kind: 'string', default: 'runs/names', help: 'output directory (metrics.jsonl, plot.svg, checkpoint.safetensors)' },
  samples: { kind: 'number', default: 12, integer: true, min: 0, help: 'names to sample at the end' },
} as const satisfies Flags

const optimizerOf = (name: string, lr: number, clip: number): Transform => {
  const base =
    name === 'adam'
      ? adam(lr)
      : name === 'adamw'
        ? adamw(lr)
        : name === 'sgd'
          ? sgd(lr)
          : name === 'momentum'
            ? momentum(lr, 0.9)
            : rmsprop(lr)
  return clip > 0 ? chain(clipByGlobalNorm(clip), base) : base
}

/** Runs `recur train`; returns the process exit code. */
export const train = (argv: readonly string[]): number => {
  if (argv.includes('--help')) {
    process.stdout.write(
      `${usage('train', 'Train a character-level language model on the names data (8,422 first names; fixed 90/10 split).', trainFlags)}\n`,
    )
    return 0
  }
  const parsed = parse('train', trainFlags, argv)
  if (E.isLeft(parsed)) throw new Error(parsed.left)
  const f = parsed.right
  mkdirSync(f.out, { recursive: true })
  accessSync(f.out, constants.W_OK)
  const metricsFile = join(f.out, 'metrics.jsonl')
  writeFileSync(metricsFile, '')

  const { train: names, validation } = loadNames()
  const vocab = vocabOf([...names, ...validation])
  const base = baselines(names, validation)
  const config = charLMConfig(vocabSize(vocab), f.embed, {
    mode: f.cell as Meta['model']['cell'],
    hiddenSize: f.hidden,
    numLayers: f.layers,
  })
  const place = { backend: cpu, dtype: 'float32' } as const
  const [initKey, dataKey, sampleKey] = Random.split(Random.key(f.seed), 3) as [Random.Key, Random.Key, Random.Key]
  let params: CharLMParams = initCharLM(config, initKey, place)
  const opt = optimizerOf(f.optimizer, f.lr, f.clip)
  let optState: TreeT = opt.init(params)
  const valBatches = batches(vocab, validation, 256, place)
  const epochKeys = Random.split(dataKey, f.epochs)
  const perEpoch = Math.ceil(names.length / f.batch)
  const steps = perEpoch * f.epochs
  const progress = reporter(process.stderr)
  process.stderr.write(
    `recur train: ${f.cell} embed ${f.embed} hidden ${f.hidden} × ${f.layers}, ${f.optimizer} lr ${f.lr}${f.clip > 0 ? `, clip ${f.clip}` : ''}; ${names.length} train / ${validation.length} validation names; baselines: unigram ${base.unigram.toFixed(3)} bpc, bigram ${base.bigram.toFixed(3)} bpc\n`,
  )
  const losses: [number, number][] = []
  const vals: [number, number][] = []
  let step = 0
  let tokens = 0
  let valBpc: number | undefined
  const start = performance.now()
  for (let epoch = 1; epoch <= f.epochs; epoch++) {
    const epochStart = performance.now()
    let epochLoss = 0
    let epochTokens = 0
    for (const b of batches(vocab, names, f.batch, place, epochKeys[epoch - 1])) {
      const [loss, grads] = valueAndGrad((p: CharLMParams) => batchBpc(config, p, b))(params)
      const value = loss.item()
      if (!Number.isFinite(value)) {
        const kept = epoch > 1 ? `the checkpoint of epoch ${epoch - 1} is kept` : 'no checkpoint was written'
        throw new Error(`the loss became ${value} at step ${step + 1} (try a smaller --lr or --clip); ${kept}`)
      }
      const [updates, nextState] = opt.update(grads, optState, params)
      params = applyUpdates(params, updates)
      optState = nextState
      step++
      tokens += b.tokens
      epochLoss += value * b.tokens
      epochTokens += b.tokens
      losses.push([step, value])
      const elapsed = (performance.now() - start) / 1000
      progress.update({ step, steps, epoch, epochs: f.epochs, loss: value, valBpc, tokensPerSecond: tokens / elapsed, elapsed })
      if (step % 20 === 0)
        appendFileSync(
          metricsFile,
          `${JSON.stringify({ kind: 'step', step, epoch, loss_bpc: value, tokens_per_s: tokens / elapsed })}\n`,
        )
    }
    valBpc = evaluateBpc(config, params, valBatches)
    vals.push([step, valBpc])
    const seconds = (performance.now() - epochStart) / 1000
    appendFileSync(
      metricsFile,
      `${JSON.stringify({ kind: 'epoch', epoch, step, train_bpc: epochLoss / epochTokens, val_bpc: valBpc, seconds })}\n`,
    )
    const meta: Meta = {
      version: 1,
      model: {
        cell: f.cell as Meta['model']['cell'],
        embedSize: f.embed,
        hiddenSize: f.hidden,
        numLayers: f.layers,
        dtype: 'float32',
      },
      vocab: [...vocab.chars],
      optimizer: { name: f.optimizer, lr: f.lr, clip: f.clip },
      step,
      epoch,
      key: [...dataKey.words],
      seed: f.seed,
      valBpc,
    }
    saveCheckpoint(join(f.out, 'checkpoint.safetensors'), { params, opt: optState }, meta)
    writeFileSync(join(f.out, 'plot.svg'), plotOf(losses, vals, base))
    progress.update(
      {
        step,
        steps,
        epoch,
        epochs: f.epochs,
        loss: epochLoss / epochTokens,
        valBpc,
        tokensPerSecond: tokens / ((performance.now() - start) / 1000),
        elapsed: (performance.now() - start) / 1000,
      },
      true,
    )
  }
  progress.done()
  const total = (performance.now() - start) / 1000
  const out = process.stdout
  out.write(
    `\nvalidation ${(valBpc ?? Number.NaN).toFixed(3)} bits per character after ${f.epochs} epochs (${clock(total)}); baselines: unigram ${base.unigram.toFixed(3)}, bigram ${base.bigram.toFixed(3)}\n`,
  )
  out.write(`wrote ${metricsFile}, ${join(f.out, 'plot.svg')}, ${join(f.out, 'checkpoint.safetensors')}\n`)
  if (f.samples > 0) {
    const names2 = sampleTexts(config, params, vocab, sampleKey, {
      count: f.samples,
      temperature: 0.8,
      topK: 0,
      prefix: '',
      maxLength: 20,
    })
    out.write(`sampled names (temperature 0.8): ${names2.join(', ')}\n`)
  }
  return 0
}

const plotOf = (
  losses: readonly [number, number][],
  vals: readonly [number, number][],
  base: { unigram: number; bigram: number },
): string => {
  const window = 20
  const smooth = losses.map(([s], i) => {
    const from = Math.max(0, i - window + 1)
    const slice = losses.slice(from, i + 1)
    return [s, slice.reduce((a, [, v]) => a + v, 0) / slice.length] as [number, number]
  })
  const last = losses.at(-1)?.[0] ?? 1
  return svgChart('recur: character LSTM on names', 'step', 'bits per character', [
    { name: 'train (moving avg)', color: '#1f77b4', points: smooth },
    { name: 'validation', color: '#d62728', points: vals, markers: true },
    {
      name: `unigram ${base.unigram.toFixed(2)}`,
      color: '#7f7f7f',
      points: [
        [0, base.unigram],
        [last, base.unigram],
      ],
      dashed: true,
    },
    {
      name: `bigram ${base.bigram.toFixed(2)}`,
      color: '#bcbd22',
      points: [
        [0, base.bigram],
        [last, base.bigram],
      ],
      dashed: true,
    },
  ])
}
