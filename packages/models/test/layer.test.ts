import { cpu } from '@recur/backend-cpu'
import { fromFlat, index, Random, slice, stack, type Tensor, unstack } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { type Config, type ConfigInput, config, initParams, run } from '../src/index.js'

const o = { backend: cpu, dtype: 'float64' } as const
const rand = (shape: number[], seed: number) => Random.uniform(Random.key(seed), shape, { ...o, min: -1, max: 1 })
const close = (a: Tensor, b: Tensor, tol = 1e-14) => {
  expect(a.shape).toEqual(b.shape)
  const x = a.toFlat()
  const y = b.toFlat()
  for (const [i, v] of x.entries()) expect(Math.abs(v - (y[i] ?? Number.NaN))).toBeLessThanOrEqual(tol)
}

const modes: ConfigInput['mode'][] = ['RNN_TANH', 'RNN_RELU', 'LSTM', 'GRU']

describe('layer shapes', () => {
  for (const mode of modes) {
    it(`${mode}: output and final state shapes follow PyTorch in every layout`, () => {
      const c = config({
        mode,
        inputSize: 3,
        hiddenSize: 5,
        numLayers: 2,
        bidirectional: true,
        ...(mode === 'LSTM' ? { projSize: 2 } : {}),
      })
      const p = initParams(c, Random.key(1), o)
      const hOut = mode === 'LSTM' ? 2 : 5
      const r = run(c, p, rand([7, 4, 3], 2))
      expect(r.output.shape).toEqual([7, 4, 2 * hOut])
      expect(r.h_n.shape).toEqual([4, 4, hOut])
      if (mode === 'LSTM') expect(r.c_n?.shape).toEqual([4, 4, 5])
      const bf = run({ ...c, batchFirst: true }, p, rand([4, 7, 3], 2))
      expect(bf.output.shape).toEqual([4, 7, 2 * hOut])
      const u = run(c, p, rand([7, 3], 3))
      expect(u.output.shape).toEqual([7, 2 * hOut])
      expect(u.h_n.shape).toEqual([4, hOut])
    })
  }

  it('batch-first is the time-major result transposed; unbatched is batch 1 squeezed', () => {
    const c = config({ mode: 'GRU', inputSize: 3, hiddenSize: 4, bidirectional: true })
    const p = initParams(c, Random.key(3), o)
    const x = rand([5, 2, 3], 4)
    const tm = run(c, p, x)
    const bf = run({ ...c, batchFirst: true }, p, stack(unstack(x, 1), 0))
    close(bf.output, stack(unstack(tm.output, 1), 0), 0)
    const one = run(c, p, index(x, 0, 1))
    close(one.output, index(tm.output, 0, 1), 0)
  })
})

describe('lengths', () => {
  for (const mode of modes) {
    it(`${mode}: padded steps give zeros, h_n is the last valid state, reverse starts at each sequence's end`, () => {
      const c: Config = config({ mode, inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true })
      const p = initParams(c, Random.key(5), o)
      const x = rand([6, 3, 3], 6)
      const lengths = [6, 2, 4]
      const r = run(c, p, x, { lengths })
      lengths.forEach((len, n) => {
        const alone = run(c, p, slice(index(x, n, 1), [0, 0], [len, 3]))
        const mine = index(r.output, n, 1)
        close(slice(mine, [0, 0], [len, 8]), alone.output, 1e-14)
        if (len < 6)
          expect(
            slice(mine, [len, 0], [6 - len, 8])
              .toFlat()
              .every((v) => v === 0),
          ).toBe(true)
        close(index(r.h_n, n, 1), alone.h_n, 1e-14)
        if (r.c_n !== undefined && alone.c_n !== undefined) close(index(r.c_n, n, 1), alone.c_n, 1e-14)
      })
    })
  }
})

describe('bad input', () => {
  const c = config({ mode: 'LSTM', inputSize: 3, hiddenSize: 4 })
  const p = initParams(c, Random.key(1), o)
  it('names the argument and the shapes', () => {
    expect(() => run(c, p, rand([5, 2, 4], 1))).toThrow(
      "rnn: the last dimension of input must be inputSize 3 (argument 'input'; input [5, 2, 4])",
    )
    expect(() => run(c, p, rand([5, 2, 3], 1), { h0: rand([2, 4], 2) })).toThrow(
      "rnn: h0 must have shape [1, 2, 4] (argument 'h0'; input [5, 2, 3], h0 [2, 4])",
    )
    expect(() => run(c, p, rand([5, 2, 3], 1), { lengths: [5, 6] })).toThrow(
      'rnn: lengths[1] is 6; lengths must be integers in [1, 5]',
    )
    expect(() => run(c, p, rand([5, 2, 3], 1), { lengths: [5] })).toThrow('rnn: lengths has 1 entries for a batch of 2')
    expect(() => run(c, p, rand([2, 3, 3, 3], 1))).toThrow(
      'rnn: input must be (L, N, H_in), (N, L, H_in) or unbatched (L, H_in); got rank 4',
    )
    const { weight_hh_l0: _, ...missing } = p
    expect(() => run(c, missing, rand([5, 2, 3], 1))).toThrow("RNN parameters: 'weight_hh_l0' is missing")
  })
})

describe('padding holds no poison', () => {
  it('non-finite values in padded positions never reach outputs or states', () => {
    const c = config({ mode: 'RNN_RELU', inputSize: 2, hiddenSize: 3, bidirectional: true })
    const p = initParams(c, Random.key(2), o)
    const clean = Random.uniform(Random.key(3), [3, 2, 2], { ...o, min: -1, max: 1 })
    const values = clean.toFlat()
    // sequence 1 has length 1: positions t = 1, 2 of batch entry 1 are padding
    for (const t of [1, 2]) for (const f of [0, 1]) values[t * 4 + 2 + f] = t === 1 ? Number.NaN : Number.POSITIVE_INFINITY
    const poisoned = fromFlat(values, [3, 2, 2], o)
    const a = run(c, p, clean, { lengths: [3, 1] })
    const b = run(c, p, poisoned, { lengths: [3, 1] })
    expect(b.output.toFlat()).toEqual(a.output.toFlat())
    expect(b.h_n.toFlat()).toEqual(a.h_n.toFlat())
  })
})
