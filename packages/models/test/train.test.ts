/**
 * Pure training steps and truncated BPTT over a stream: a step is exactly gradient + update; the
 * state carried between windows is the forward state, continues the stream exactly, and cuts the
 * gradient (the window's gradient does not depend on how the carried state was computed).
 */
import { cpu } from '@recur/backend-cpu'
import { add, concat, fromFlat, mul, Random, square, sub, sum, type Tensor, Tree, type TreeT, valueAndGrad } from '@recur/core'
import { describe, expect, it } from 'vitest'
import {
  adam,
  applyUpdates,
  type CharLMParams,
  type CharLMState,
  chain,
  charLMConfig,
  charLMForward,
  clipByGlobalNorm,
  globalNorm,
  initCharLM,
  type StreamBatch,
  sgd,
  softmaxCrossEntropy,
  statefulTrainStep,
  streamBatches,
  trainStep,
} from '../src/index.js'

const o = { backend: cpu, dtype: 'float64' } as const
const model = charLMConfig(7, 3, { mode: 'LSTM', hiddenSize: 4 })
const params0 = initCharLM(model, Random.key(1), o)
const ids = Array.from({ length: 41 }, (_, i) => (i * 5 + ((i * i) % 3)) % 7)

const windowLoss = (p: CharLMParams, b: StreamBatch, state: CharLMState | undefined) => {
  const { logits, state: next } = charLMForward(model, p, b.inputs, state === undefined ? {} : { state })
  return [softmaxCrossEntropy(logits, b.targets), next] as const
}

const copy = <T extends TreeT>(t: T): T => Tree.map(t, (x) => fromFlat(x.toFlat(), x.shape, o))
const flat = (t: TreeT): number[] => Tree.leaves(t).flatMap((x) => x.toFlat())

describe('trainStep', () => {
  const opt = chain(clipByGlobalNorm(1), adam(5e-2))
  const [b] = streamBatches(ids, 2, 8, o) as [StreamBatch]
  const loss = (p: CharLMParams, batch: StreamBatch) => windowLoss(p, batch, undefined)[0]

  it('is the gradient, the update and its application, and reports loss and gradient norm', () => {
    const [p1, s1, m] = trainStep(loss, opt)(params0, opt.init(params0), b)
    const [value, grads] = valueAndGrad((p: CharLMParams) => loss(p, b))(params0)
    const [updates, s2] = opt.update(grads, opt.init(params0), params0)
    expect(flat(p1)).toEqual(flat(applyUpdates(params0, updates)))
    expect(flat(s1)).toEqual(flat(s2))
    expect(m.loss).toBe(value.item())
    expect(m.gradNorm).toBe(globalNorm(grads).item())
    expect(m.gradNorm).toBeGreaterThan(0)
  })

  it('is deterministic and lowers the loss over a few steps', () => {
    const run = () => {
      let p: CharLMParams = params0
      let s: TreeT = opt.init(params0)
      const losses: number[] = []
      for (let i = 0; i < 15; i++) {
        const [np, ns, m] = trainStep(loss, opt)(p, s, b)
        p = np
        s = ns
        losses.push(m.loss)
      }
      return { p, losses }
    }
    const a = run()
    expect(flat(a.p)).toEqual(flat(run().p))
    expect(a.losses.at(-1)).toBeLessThan((a.losses[0] ?? 0) * 0.8)
  })

  it('rejects a loss that is not a scalar', () => {
    const x = fromFlat([1, 2], [2], o)
    expect(() => trainStep((p: { x: Tensor }) => square(p.x), sgd(0.1))({ x }, sgd(0.1).init({ x }), null)).toThrow(
      /scalar tensor/,
    )
  })
})

describe('streamBatches', () => {
  it('cuts the stream into contiguous rows and consecutive windows, targets one ahead', () => {
    const s = Array.from({ length: 11 }, (_, i) => i) // 10 positions with targets, 2 rows of 5
    const ws = streamBatches(s, 2, 3, o)
    expect(ws.map((w) => w.inputs.toArray())).toEqual([
      [
        [0, 1, 2],
        [5, 6, 7],
      ],
      [
        [3, 4],
        [8, 9],
      ],
    ])
    expect(ws.map((w) => w.targets.toArray())).toEqual([
      [
        [1, 2, 3],
        [6, 7, 8],
      ],
      [
        [4, 5],
        [9, 10],
      ],
    ])
    expect(ws.map((w) => w.tokens)).toEqual([6, 4])
  })

  it('rejects too little data and bad sizes', () => {
    expect(() => streamBatches([1, 2], 2, 3, o)).toThrow('streamBatches: 2 ids are too few for 2 rows (need at least 3)')
    expect(() => streamBatches([1, 2, 3], 0, 3, o)).toThrow('streamBatches: rows must be a positive integer, got 0')
    expect(() => streamBatches([1, 2, 3], 1, 1.5, o)).toThrow('streamBatches: window must be a positive integer, got 1.5')
  })
})

describe('truncated BPTT with statefulTrainStep', () => {
  const windows = streamBatches(ids, 2, 5, o)
  const [w1, w2] = windows as [StreamBatch, StreamBatch]
  const step = statefulTrainStep((p: CharLMParams, b: StreamBatch, s: CharLMState | undefined) => windowLoss(p, b, s), sgd(0.1))

  it('carries out the forward state of the window', () => {
    const [, , carried] = step(params0, sgd(0.1).init(params0), w1, undefined)
    const { state } = charLMForward(model, params0, w1.inputs)
    expect(flat(carried ?? { h: w1.inputs })).toEqual(flat(state))
  })

  it('continues the stream: two windows with the carried state equal one pass over both', () => {
    const { logits: l1, state } = charLMForward(model, params0, w1.inputs)
    const { logits: l2 } = charLMForward(model, params0, w2.inputs, { state })
    const whole = charLMForward(model, params0, concat([w1.inputs, w2.inputs], 1)).logits
    const diff = sub(concat([l1, l2], 1), whole)
      .toFlat()
      .reduce((m, v) => Math.max(m, Math.abs(v)), 0)
    expect(diff).toBeLessThan(1e-12) // the input projection runs over 5 vs 10 steps: another summation order
  })

  it('cuts the gradient: the second window sees the carried state as a constant', () => {
    const [, , carried] = step(params0, sgd(0.1).init(params0), w1, undefined)
    const [p2] = step(params0, sgd(0.1).init(params0), w2, carried)
    // the same step from a fresh copy of the state (no history at all) gives the same parameters
    const [p2Fresh] = step(params0, sgd(0.1).init(params0), w2, carried === undefined ? undefined : copy(carried))
    expect(flat(p2)).toEqual(flat(p2Fresh))
    // and it differs from full BPTT through both windows, whose gradient reaches window 1
    const full = valueAndGrad((p: CharLMParams) => {
      const [a, s] = windowLoss(p, w1, undefined)
      const [b] = windowLoss(p, w2, s)
      return add(b, mul(sum(a), 0))
    })(params0)[1]
    const [, truncated] = valueAndGrad((p: CharLMParams) => windowLoss(p, w2, carried)[0])(params0)
    const gap = flat(full).reduce((m, v, i) => Math.max(m, Math.abs(v - (flat(truncated)[i] ?? 0))), 0)
    expect(gap).toBeGreaterThan(1e-6)
  })
})
