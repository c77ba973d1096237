import { cpu } from '@recur/backend-cpu'
import { Random } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { config, initParams, run } from '../src/index.js'

const o = { backend: cpu, dtype: 'float64' } as const
const x = Random.uniform(Random.key(9), [6, 3, 4], { ...o, min: -1, max: 1 })

describe('dropout between layers', () => {
  const c = config({ mode: 'LSTM', inputSize: 4, hiddenSize: 5, numLayers: 2, dropout: 0.5 })
  const p = initParams(c, Random.key(1), o)
  const plain = run({ ...c, dropout: 0 }, p, x)

  it('is off without a key (inference)', () => {
    expect(run(c, p, x).output.toFlat()).toEqual(plain.output.toFlat())
  })

  it('with a key it changes the result, deterministically per key', () => {
    const a = run(c, p, x, { key: Random.key(2) })
    const b = run(c, p, x, { key: Random.key(2) })
    const other = run(c, p, x, { key: Random.key(3) })
    expect(a.output.toFlat()).toEqual(b.output.toFlat())
    expect(a.output.toFlat()).not.toEqual(plain.output.toFlat())
    expect(a.output.toFlat()).not.toEqual(other.output.toFlat())
    // the first layer's final state is computed before any dropout
    expect(a.h_n.toFlat().slice(0, 15)).toEqual(plain.h_n.toFlat().slice(0, 15))
  })

  it('never applies after the last layer', () => {
    const one = config({ mode: 'GRU', inputSize: 4, hiddenSize: 5, dropout: 0.5 })
    const q = initParams(one, Random.key(1), o)
    expect(run(one, q, x, { key: Random.key(2) }).output.toFlat()).toEqual(run(one, q, x).output.toFlat())
  })
})
