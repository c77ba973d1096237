/**
 * `run(…, { checkpoint: k })`: every direction of every layer runs in segments of k steps, each
 * recomputed in the backward pass. Values and gradients (every parameter, the input, the initial
 * states) equal those of the plain run for every mode (LSTM with and without projection, both GRU
 * variants — the reset-before one through `scan`'s own checkpointing — and both Elman RNNs),
 * uni- and bidirectional, stacked, with and without `lengths`, for segment lengths that divide L,
 * do not, equal it or exceed it. Under reverse mode the checkpointed forward pass keeps no
 * residuals (the recurrence kernel runs each segment with `residuals: false`) and the backward
 * pass recomputes each segment with them, last segment first (observed at a recording kernel).
 * Bad segment lengths are errors naming the option.
 *
 * Tolerance: float64, 1e-12·max(1, |expected|) — the two runs differ only by where a sum is cut.
 * Reproduce a run with FC_SEED=<seed printed below>; FC_RUNS sets the runs.
 */
import { fc, test } from '@fast-check/vitest'
import { cpu, cpuFast } from '@recur/backend-cpu'
import * as R from '@recur/core'
import { describe, expect, it } from 'vitest'
import { type ConfigInput, config, initParams, run } from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 30)
process.stdout.write(`run with checkpoint: seed ${seed}, ${numRuns} runs\n`)

const o = { backend: cpu, dtype: 'float64' } as const

const settings = fc.record({
  mode: fc.constantFrom<ConfigInput['mode']>('LSTM', 'GRU', 'RNN_TANH', 'RNN_RELU'),
  variant: fc.boolean(), // LSTM: a projection; GRU: reset before the product
  bidirectional: fc.boolean(),
  numLayers: fc.integer({ min: 1, max: 2 }),
  l: fc.integer({ min: 1, max: 9 }),
  n: fc.integer({ min: 1, max: 3 }),
  k: fc.integer({ min: 1, max: 11 }),
  lengths: fc.boolean(),
  salt: fc.integer({ min: 1, max: 2 ** 20 }),
})

const spread = (shape: readonly number[], salt: number, scale = 1): R.Tensor => {
  const n = shape.reduce((a, b) => a * b, 1)
  return R.fromFlat(
    Array.from({ length: n }, (_, i) => scale * Math.sin(salt * 7919 + i * 104729 + 0.5)),
    shape,
    o,
  )
}

const worst = (a: R.Tensor, b: R.Tensor): number => {
  const x = a.toTypedArray()
  const y = b.toTypedArray()
  let w = 0
  for (let i = 0; i < x.length; i++) w = Math.max(w, Math.abs((x[i] ?? 0) - (y[i] ?? 0)) / Math.max(1, Math.abs(y[i] ?? 0)))
  return w
}

describe('run with checkpoint', () => {
  test.prop([settings], { seed, numRuns })('same values and gradients as the plain run', (s) => {
    const c = config({
      mode: s.mode,
      inputSize: 3,
      hiddenSize: 4,
      numLayers: s.numLayers,
      bidirectional: s.bidirectional,
      ...(s.mode === 'LSTM' && s.variant ? { projSize: 2 } : {}),
      ...(s.mode === 'GRU' && s.variant ? { resetAfter: false } : {}),
    })
    const params = initParams(c, R.Random.key(s.salt), o)
    const x = spread([s.l, s.n, 3], s.salt)
    const lengths = s.lengths ? Array.from({ length: s.n }, (_, i) => 1 + ((s.salt + i) % s.l)) : undefined
    const f =
      (k: number | undefined) =>
      (p: typeof params, input: R.Tensor): R.Tensor => {
        const r = run(c, p, input, {
          ...(lengths === undefined ? {} : { lengths }),
          ...(k === undefined ? {} : { checkpoint: k }),
        })
        const w = spread(r.output.shape, s.salt + 1)
        const hw = spread(r.h_n.shape, s.salt + 2)
        const cw = r.c_n === undefined ? undefined : spread(r.c_n.shape, s.salt + 3)
        const total = R.add(R.sum(R.mul(r.output, w)), R.sum(R.mul(r.h_n, hw)))
        return r.c_n === undefined || cw === undefined ? total : R.add(total, R.sum(R.mul(r.c_n, cw)))
      }
    const [v0, g0] = R.valueAndGrad((p: typeof params) => f(undefined)(p, x))(params)
    const [v, g] = R.valueAndGrad((p: typeof params) => f(s.k)(p, x))(params)
    const gx0 = R.grad((input: R.Tensor) => f(undefined)(params, input))(x)
    const gx = R.grad((input: R.Tensor) => f(s.k)(params, input))(x)
    expect(Math.abs(v.item() - v0.item())).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v0.item())))
    expect(worst(gx, gx0)).toBeLessThanOrEqual(1e-12)
    for (const name of Object.keys(g0)) expect(worst(g[name] as R.Tensor, g0[name] as R.Tensor), name).toBeLessThanOrEqual(1e-12)
  })

  it('keeps no residuals in the forward pass: each segment is recomputed with them in the backward pass', () => {
    // cpuFast's recurrence kernel, wrapped to record each call's steps and whether it kept residuals
    const calls: string[] = []
    const kernels = cpuFast.fused ?? {}
    const lstm = kernels.lstmRecurrence
    if (lstm === undefined) throw new Error('cpuFast has no lstmRecurrence kernel')
    const backend: R.Backend = {
      ...cpuFast,
      name: 'recording cpu-fast',
      fused: {
        ...kernels,
        lstmRecurrence: (x, wi, wh, b, h0, c0, reverse, residuals) => {
          calls.push(`${x.shape[0]}${residuals ? ' kept' : ''}`)
          return lstm(x, wi, wh, b, h0, c0, reverse, residuals)
        },
      },
    }
    const f32 = { backend, dtype: 'float32' } as const
    const c = config({ mode: 'LSTM', inputSize: 8, hiddenSize: 16 })
    const params = initParams(c, R.Random.key(3), f32)
    const x = R.fromFlat(
      Array.from({ length: 20 * 4 * 8 }, (_, i) => Math.sin(i)),
      [20, 4, 8],
      f32,
    )
    const loss = (k: number | undefined) => (p: typeof params) =>
      R.sum(run(c, p, x, k === undefined ? {} : { checkpoint: k }).output)
    const [, plain] = R.vjp(loss(undefined), [params])
    expect(calls.splice(0)).toEqual(['20 kept'])
    plain(R.scalar(1, f32))
    expect(calls.splice(0)).toEqual([])
    const [, segmented] = R.vjp(loss(8), [params])
    expect(calls.splice(0)).toEqual(['8', '8', '4'])
    segmented(R.scalar(1, f32))
    expect(calls.splice(0)).toEqual(['4 kept', '8 kept', '8 kept'])
  })

  it('rejects a segment length that is not an integer ≥ 1', () => {
    const c = config({ mode: 'GRU', inputSize: 2, hiddenSize: 3 })
    const params = initParams(c, R.Random.key(1), o)
    const x = spread([4, 1, 2], 1)
    for (const k of [0, -1, 2.5, Number.NaN])
      expect(() => run(c, params, x, { checkpoint: k })).toThrow(/rnn: checkpoint is a segment length, an integer ≥ 1; got/)
  })
})
