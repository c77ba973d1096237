/**
 * `recur evaluate`: validation bits per character of a checkpoint, on the data set it was trained
 * on. Also home of `loadCheckpoint`, which `train --resume`, `sample` and `evaluate` share.
 */
import { readFileSync } from 'node:fs'
import { initCharLM } from '@recur/models'
import * as E from 'fp-ts/lib/Either.js'
import { type Flags, parse, usage } from './args.js'
import { checkpointMeta, checkpointTrees } from './checkpoint.js'
import { MetaCodec, modelConfig } from './model.js'
import { optimizerOf } from './optimizer.js'
import { backendOf, keysOf, type Setup, taskOf, withTask } from './setup.js'

/**
 * Everything a checkpoint holds, checked: the metadata (io-ts, path-precise), then every tensor of
 * the parameters, the optimizer state and the carried state against the structure, shapes and
 * dtypes the metadata implies. Errors are one line naming the file and what is wrong.
 */
export const loadCheckpoint = (file: string, command: string): Setup => {
  let bytes: Uint8Array
  try {
    bytes = readFileSync(file)
  } catch {
    throw new Error(
      `cannot read checkpoint ${file} (${command === 'train' ? 'check the --resume path' : 'run recur train first, or pass --checkpoint'})`,
    )
  }
  const meta = checkpointMeta(bytes, MetaCodec)
  if (E.isLeft(meta)) throw new Error(`${file}: ${meta.left}`)
  const m = meta.right
  const place = { backend: backendOf(m.model.backend), dtype: m.model.dtype }
  const t = taskOf(m, place, true)
  const config = modelConfig(m)
  const template = initCharLM(config, keysOf(m.seed).init, place)
  const opt = optimizerOf(m.optimizer)
  const trees = checkpointTrees(
    bytes,
    { params: template, opt: opt.init(template), carried: t.task.initialCarried(config) },
    place.backend,
  )
  if (E.isLeft(trees)) throw new Error(`${file}: ${trees.left}`)
  const { params, opt: optState, carried } = trees.right
  const common = { meta: m, config, opt, params, optState, carried }
  return withTask(common, t)
}

const flags = {
  checkpoint: { kind: 'string', default: 'runs/names/checkpoint.safetensors', help: 'checkpoint written by recur train' },
} as const satisfies Flags

/** Runs `recur evaluate`; returns the exit code. */
export const evaluate = (argv: readonly string[]): number => {
  if (argv.includes('--help')) {
    process.stdout.write(
      `${usage('evaluate', 'Validation loss (bits per character) of a checkpoint on the validation split of its data set.', flags)}\n`,
    )
    return 0
  }
  const parsed = parse('evaluate', flags, argv)
  if (E.isLeft(parsed)) throw new Error(parsed.left)
  const s = loadCheckpoint(parsed.right.checkpoint, 'evaluate')
  const bpc = s.kind === 'names' ? s.task.evaluate(s.config, s.params) : s.task.evaluate(s.config, s.params)
  process.stdout.write(
    `${parsed.right.checkpoint}: validation ${bpc.toFixed(4)} bits per character, ${(bpc * Math.LN2).toFixed(4)} nats (${s.meta.data.dataset}, epoch ${s.meta.epoch}, step ${s.meta.step})\n`,
  )
  return 0
}
