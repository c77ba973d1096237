import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cpu } from '@recur/backend-cpu'
import { Random } from '@recur/core'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { checkpointMeta, checkpointTrees, encodeCheckpoint, saveCheckpoint } from '../src/checkpoint.js'

const o = { backend: cpu, dtype: 'float32' } as const
const trees = {
  params: { w: Random.normal(Random.key(1), [3, 2], o), b: [Random.normal(Random.key(2), [2], o)] },
  opt: { step: Random.normal(Random.key(3), [], { backend: cpu, dtype: 'float64' }) },
}
const Meta = t.type({ step: t.number })

describe('checkpoints', () => {
  it('round-trip every tree exactly and decode the metadata', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recur-ck-'))
    const file = join(dir, 'checkpoint.safetensors')
    saveCheckpoint(file, trees, { step: 7 })
    expect(readdirSync(dir)).toEqual(['checkpoint.safetensors']) // no temporary file left behind
    const bytes = readFileSync(file)
    expect(checkpointMeta(bytes, Meta)).toEqual(E.right({ step: 7 }))
    const back = checkpointTrees(bytes, trees, cpu)
    if (E.isLeft(back)) throw new Error(back.left)
    expect(back.right.params.w.toFlat()).toEqual(trees.params.w.toFlat())
    expect(back.right.params.b[0]?.toFlat()).toEqual(trees.params.b[0]?.toFlat())
    expect(back.right.opt.step.dtype).toBe('float64')
  })

  it('a failed save leaves the previous checkpoint intact and no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recur-ck-'))
    const file = join(dir, 'checkpoint.safetensors')
    saveCheckpoint(file, trees, { step: 1 })
    const before = readFileSync(file)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => saveCheckpoint(file, trees, cyclic)).toThrow() // metadata that cannot be serialised
    expect(readFileSync(file).equals(before)).toBe(true)
    expect(readdirSync(dir)).toEqual(['checkpoint.safetensors'])
  })

  it('names what is wrong with a damaged or foreign file', () => {
    const bytes = encodeCheckpoint(trees, { step: 1 })
    expect(checkpointMeta(bytes.subarray(0, 12), Meta)).toSatisfy(
      (r: E.Either<string, unknown>) => E.isLeft(r) && r.left.includes('truncated or not a safetensors file'),
    )
    expect(checkpointMeta(encodeCheckpoint(trees, { step: 'x' }), Meta)).toEqual(
      E.left('checkpoint: step is "x", expected number'),
    )
    const other = { params: { w: Random.normal(Random.key(1), [2, 2], o), b: trees.params.b }, opt: trees.opt }
    expect(checkpointTrees(bytes, other, cpu)).toEqual(E.left("checkpoint: 'params.w' has shape [3, 2] but [2, 2] is expected"))
    const dir = mkdtempSync(join(tmpdir(), 'recur-ck-'))
    writeFileSync(join(dir, 'x'), 'not a checkpoint')
    expect(checkpointMeta(readFileSync(join(dir, 'x')), Meta)).toSatisfy(E.isLeft)
  })
})

describe('checkpoint metadata errors', () => {
  it('name each wrong or missing field by its path', () => {
    const Codec = t.type({ version: t.literal(2), model: t.type({ hiddenSize: t.number }) })
    const bytes = encodeCheckpoint({}, { version: 1, model: { hiddenSize: 'big' } })
    expect(checkpointMeta(bytes, Codec)).toEqual(
      E.left('checkpoint: version is 1, expected 2; model.hiddenSize is "big", expected number'),
    )
    expect(checkpointMeta(encodeCheckpoint({}, { version: 2 }), Codec)).toEqual(
      E.left('checkpoint: model is missing, expected { hiddenSize: number }'),
    )
  })
})
