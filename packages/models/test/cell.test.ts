import { cpu } from '@recur/backend-cpu'
import { Random, scan } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { type CellConfigInput, cell, run } from '../src/index.js'

const o = { backend: cpu, dtype: 'float64' } as const
const inputs: readonly CellConfigInput[] = [
  { mode: 'RNN_TANH', inputSize: 3, hiddenSize: 4 },
  { mode: 'RNN_RELU', inputSize: 3, hiddenSize: 4, bias: false },
  { mode: 'LSTM', inputSize: 3, hiddenSize: 4, projSize: 2 },
  { mode: 'GRU', inputSize: 3, hiddenSize: 4 },
  { mode: 'GRU', inputSize: 3, hiddenSize: 4, resetAfter: false },
]

describe('cells', () => {
  it.each(inputs)('$mode (resetAfter $resetAfter): scan of the step equals a one-layer layer with the same weights', (input) => {
    const k = cell(input)
    const params = k.init(Random.key(3), o)
    const xs = Random.uniform(Random.key(4), [5, 2, 3], { ...o, min: -1, max: 1 })
    const [final, hs] = scan(k.step(params), k.initialState(2, o), xs)
    const layerParams = Object.fromEntries(Object.entries(params).map(([name, t]) => [`${name}_l0`, t]))
    const r = run(k.config, layerParams, xs)
    expect(hs.toFlat()).toEqual(r.output.toFlat())
    expect(final.h.toFlat()).toEqual(r.h_n.toFlat())
    if (final.c !== undefined) expect(final.c.toFlat()).toEqual(r.c_n?.toFlat())
  })

  it('steps unbatched input and names its parameters as PyTorch cells', () => {
    const lstm = cell({ mode: 'LSTM', inputSize: 3, hiddenSize: 4 })
    const p = lstm.init(Random.key(0), o)
    expect(Object.keys(p).sort()).toEqual(['bias_hh', 'bias_ih', 'weight_hh', 'weight_ih'])
    const s0 = lstm.initialState(undefined, o)
    expect([s0.h.shape, s0.c?.shape]).toEqual([[4], [4]])
    const [s1, y] = lstm.step(p)(s0, Random.normal(Random.key(1), [3], o))
    expect([s1.h.shape, s1.c?.shape, y.shape]).toEqual([[4], [4], [4]])
  })

  it('checks its config like a layer', () => {
    expect(() => cell({ mode: 'GRU', inputSize: 3, hiddenSize: 4, projSize: 2 })).toThrow(
      'projSize: 2 is only supported for LSTM',
    )
  })
})
