/**
 * `recur evaluate`: validation bits per character of a checkpoint; also used by `train` after every
 * epoch.
 */
import { readFileSync } from 'node:fs'
import { cpu } from '@recur/backend-cpu'
import { batches, type CharLMConfig, type CharLMParams, type SequenceBatch } from '@recur/models'
import * as E from 'fp-ts/lib/Either.js'
import { type Flags, parse, usage } from './args.js'
import { checkpointMeta, checkpointTrees } from './checkpoint.js'
import { loadNames } from './datasets/names.js'
import { batchBpc, MetaCodec, modelOf } from './model.js'

/** Bits per character over all real positions of `data`. */
export const evaluateBpc = (config: CharLMConfig, params: CharLMParams, data: readonly SequenceBatch[]): number => {
  let bits = 0
  let tokens = 0
  for (const b of data) {
    bits += batchBpc(config, params, b).item() * b.tokens
    tokens += b.tokens
  }
  return bits / tokens
}

const flags = {
  checkpoint: { kind: 'string', default: 'runs/names/checkpoint.safetensors', help: 'checkpoint written by recur train' },
} as const satisfies Flags

/** Loads a checkpoint's model, with one-line errors for a missing or corrupt file. */
export const loadModel = (file: string) => {
  let bytes: Uint8Array
  try {
    bytes = readFileSync(file)
  } catch {
    throw new Error(`cannot read checkpoint ${file} (run recur train first, or pass --checkpoint)`)
  }
  const meta = checkpointMeta(bytes, MetaCodec)
  if (E.isLeft(meta)) throw new Error(`${file}: ${meta.left}`)
  const model = modelOf(meta.right, cpu)
  const trees = checkpointTrees(bytes, { params: model.template }, cpu)
  if (E.isLeft(trees)) throw new Error(`${file}: ${trees.left}`)
  return { ...model, meta: meta.right, params: trees.right.params }
}

/** Runs `recur evaluate`; returns the exit code. */
export const evaluate = (argv: readonly string[]): number => {
  if (argv.includes('--help')) {
    process.stdout.write(
      `${usage('evaluate', 'Validation loss (bits per character) of a checkpoint on the names split.', flags)}\n`,
    )
    return 0
  }
  const parsed = parse('evaluate', flags, argv)
  if (E.isLeft(parsed)) throw new Error(parsed.left)
  const { config, vocab, params, meta } = loadModel(parsed.right.checkpoint)
  const { validation } = loadNames()
  const bpc = evaluateBpc(config, params, batches(vocab, validation, 256, { backend: cpu, dtype: meta.model.dtype }))
  process.stdout.write(
    `${parsed.right.checkpoint}: validation ${bpc.toFixed(4)} bits per character, ${(bpc * Math.LN2).toFixed(4)} nats (epoch ${meta.epoch}, step ${meta.step})\n`,
  )
  return 0
}
