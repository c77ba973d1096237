/**
 * Streaming inference equals running the whole sequence: stepping a layer one input at a time
 * gives `run`'s outputs at every position and its final state, for every mode, stacked layers,
 * batched and unbatched; states from `run` continue in the stream; bad input is rejected.
 */
import { cpu } from '@recur/backend-cpu'
import { index, Random, stack, type Tensor, unstack } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { config, initParams, type Mode, run, streamer } from '../src/index.js'

const o = { backend: cpu, dtype: 'float64' } as const
const modes: readonly { mode: Mode; projSize?: number; resetAfter?: boolean }[] = [
  { mode: 'RNN_TANH' },
  { mode: 'RNN_RELU' },
  { mode: 'LSTM' },
  { mode: 'LSTM', projSize: 2 },
  { mode: 'GRU' },
  { mode: 'GRU', resetAfter: false },
]
const worst = (a: Tensor, b: Tensor): number => {
  expect(a.shape).toEqual(b.shape)
  const bf = b.toFlat()
  return a.toFlat().reduce((m, v, i) => Math.max(m, Math.abs(v - (bf[i] ?? Number.NaN))), 0)
}

describe('streamer', () => {
  for (const m of modes)
    for (const unbatched of [false, true])
      it(`${m.mode}${m.projSize ? ' proj' : ''}${m.resetAfter === false ? ' reset-before' : ''}, 2 layers, ${unbatched ? 'unbatched' : 'batch 3'}: steps equal run`, () => {
        const c = config({ ...m, inputSize: 3, hiddenSize: 4, numLayers: 2 })
        const p = initParams(c, Random.key(7), o)
        const x = Random.normal(Random.key(8), unbatched ? [6, 3] : [6, 3, 3], o) // (L, N, H_in) or (L, H_in)
        const whole = run(c, p, x)
        const s = streamer(c, p)
        let state = s.initialState(unbatched ? undefined : 3, o)
        const ys: Tensor[] = []
        for (const xt of unstack(x, 0)) {
          const [next, y] = s.step(state, xt)
          state = next
          ys.push(y)
        }
        // one step at a time: each matmul has 1 row block instead of L, so sums may round apart
        expect(worst(stack(ys), whole.output)).toBeLessThan(1e-13)
        expect(worst(state.h, whole.h_n)).toBeLessThan(1e-13)
        if (whole.c_n !== undefined) expect(worst(state.c ?? whole.h_n, whole.c_n)).toBeLessThan(1e-13)
      })

  it('continues from a state that run produced', () => {
    const c = config({ mode: 'LSTM', inputSize: 3, hiddenSize: 4 })
    const p = initParams(c, Random.key(1), o)
    const x = Random.normal(Random.key(2), [5, 2, 3], o)
    const first = run(c, p, x)
    const next = Random.normal(Random.key(3), [2, 3], o)
    const [, y] = streamer(c, p).step(first.c_n === undefined ? { h: first.h_n } : { h: first.h_n, c: first.c_n }, next)
    const cont = run(c, p, stack([next]), { h0: first.h_n, ...(first.c_n === undefined ? {} : { c0: first.c_n }) })
    expect(worst(y, index(cont.output, 0))).toBeLessThan(1e-13)
  })

  it('rejects bidirectional layers, wrong inputs and wrong states', () => {
    const bi = config({ mode: 'GRU', inputSize: 3, hiddenSize: 4, bidirectional: true })
    expect(() => streamer(bi, initParams(bi, Random.key(0), o))).toThrow(/bidirectional layer cannot run one step at a time/)
    const c = config({ mode: 'LSTM', inputSize: 3, hiddenSize: 4 })
    const s = streamer(c, initParams(c, Random.key(0), o))
    const state = s.initialState(2, o)
    expect(() => s.step(state, Random.normal(Random.key(1), [2, 5], o))).toThrow(
      "stream: the last dimension of x must be inputSize 3 (argument 'x'; x [2, 5])",
    )
    expect(() => s.step(state, Random.normal(Random.key(1), [4, 3], o))).toThrow(
      "stream: state.h must have shape [1, 4, 4] for this input (argument 'state.h'; x [4, 3], state.h [1, 2, 4])",
    )
    expect(() => s.step({ h: state.h }, Random.normal(Random.key(1), [2, 3], o))).toThrow(/an LSTM state needs c/)
  })
})
