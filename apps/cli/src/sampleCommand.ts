/**
 * `recur sample`: names from a checkpoint, with temperature, top-k, a prefix and a count.
 */
import { Random } from '@recur/core'
import * as E from 'fp-ts/lib/Either.js'
import { type Flags, parse, usage } from './args.js'
import { loadCheckpoint } from './evaluate.js'
import { sampleTexts } from './sample.js'

const flags = {
  checkpoint: { kind: 'string', default: 'runs/names/checkpoint.safetensors', help: 'checkpoint written by recur train' },
  count: { kind: 'number', default: 10, integer: true, min: 1, help: 'how many names' },
  temperature: { kind: 'number', default: 0.8, min: 0.01, help: 'sharpen (< 1) or flatten (> 1) the distribution' },
  topK: { kind: 'number', default: 0, integer: true, min: 0, help: 'sample among the k most likely characters (0: all)' },
  prefix: { kind: 'string', default: '', help: 'start every name with this text' },
  seed: { kind: 'number', default: 0, integer: true, min: 0, help: 'seed of the draws' },
} as const satisfies Flags

/** Runs `recur sample`; returns the exit code. */
export const sample = (argv: readonly string[]): number => {
  if (argv.includes('--help')) {
    process.stdout.write(
      `${usage('sample', 'Sample names (or lines of text, for a Brown checkpoint) from a trained checkpoint.', flags)}\n`,
    )
    return 0
  }
  const parsed = parse('sample', flags, argv)
  if (E.isLeft(parsed)) throw new Error(parsed.left)
  const f = parsed.right
  const s = loadCheckpoint(f.checkpoint, 'sample')
  const names = sampleTexts(s.config, s.params, s.task.vocab, Random.key(f.seed), {
    count: f.count,
    temperature: f.temperature,
    topK: f.topK,
    prefix: s.kind === 'names' ? f.prefix.toLowerCase() : f.prefix,
    maxLength: s.task.sampleLength,
    start: s.task.boundary,
    end: s.task.boundary,
  })
  process.stdout.write(`${names.join('\n')}\n`)
  return 0
}
