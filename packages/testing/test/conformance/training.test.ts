/**
 * Training on the wrapper backends: a small LSTM (core ops only) learns to predict the next value
 * of a noisy sine with plain SGD on `recording(reference)` and on `promoted(reference)`. The loss
 * falls, and the whole loss curve and the trained parameters equal the same training on the
 * reference backend: exactly for `recording` (it hands back the inner backend's results untouched)
 * and within 2⁸·ε relative for `promoted` (the same float64 values rounded once; the slack would
 * only cover an inner backend that sums in another order).
 */
import {
  add,
  type Backend,
  type DType,
  epsilon,
  fromFlat,
  matmul,
  mean,
  mul,
  Random,
  sin,
  slice,
  square,
  sub,
  type Tensor,
  Tree,
  valueAndGrad,
  zeros,
} from '@recur/core'
import { describe, expect, it } from 'vitest'
import { promoted, recording } from '../../src/backends/index.js'
import { initLstm, type LstmParams, lstmLayer } from '../../src/conformance/lstm.js'
import { reference } from '../../src/reference.js'

const hidden = 6
const batch = 4
const steps = 10
const sgdSteps = 30
const learningRate = 0.5

type Params = { readonly lstm: LstmParams; readonly weight: Tensor; readonly bias: Tensor }
type Options = { readonly dtype: DType; readonly backend: Backend }

/** Noisy sines of random phase and frequency: inputs `[T, B, 1]`, targets the next values. */
const sineData = (options: Options): { xs: Tensor; ys: Tensor } => {
  const [kPhase = Random.key(0), kFreq = Random.key(0), kNoise = Random.key(0)] = Random.split(Random.key(7), 3)
  const phase = Random.uniform(kPhase, [1, batch, 1], { ...options, max: 2 * Math.PI })
  const freq = Random.uniform(kFreq, [1, batch, 1], { ...options, min: 0.3, max: 0.6 })
  const time = fromFlat(
    Array.from({ length: steps + 1 }, (_, t) => t),
    [steps + 1, 1, 1],
    options,
  )
  const noise = Random.normal(kNoise, [steps + 1, batch, 1], { ...options, std: 0.05 })
  const series = add(sin(add(mul(time, freq), phase)), noise)
  return { xs: slice(series, [0, 0, 0], [steps, batch, 1]), ys: slice(series, [1, 0, 0], [steps, batch, 1]) }
}

const init = (options: Options): Params => {
  const [kLstm = Random.key(0), kHead = Random.key(0)] = Random.split(Random.key(3), 2)
  const bound = 1 / Math.sqrt(hidden)
  return {
    lstm: initLstm(kLstm, 1, hidden, options),
    weight: Random.uniform(kHead, [1, hidden], { ...options, min: -bound, max: bound }),
    bias: zeros([1], options),
  }
}

/** Mean squared error of the one-step-ahead prediction `hs·Wᵀ + b` over all steps. */
const loss = (p: Params, xs: Tensor, ys: Tensor): Tensor => {
  const h0 = zeros([batch, hidden], { dtype: xs.dtype, backend: xs.backend })
  const [, hs] = lstmLayer(p.lstm, [h0, h0], xs)
  return mean(square(sub(add(matmul(hs, p.weight, { transposeB: true }), p.bias), ys)))
}

/** `sgdSteps` steps of plain SGD; returns the loss before each step and the final parameters. */
const train = (options: Options): { losses: number[]; params: Params } => {
  const { xs, ys } = sineData(options)
  const step = valueAndGrad((p: Params) => loss(p, xs, ys))
  let params = init(options)
  const losses: number[] = []
  for (let i = 0; i < sgdSteps; i++) {
    const [value, g] = step(params)
    losses.push(value.item())
    params = Tree.zipWith(params, g, (p, d) => sub(p, mul(d, learningRate)))
  }
  return { losses, params }
}

const flat = (p: Params): number[] => Tree.leaves(p).flatMap((t) => t.toFlat())

const withinRelative = (actual: readonly number[], expected: readonly number[], dtype: DType): boolean =>
  actual.length === expected.length &&
  expected.every((e, i) => Math.abs((actual[i] ?? Number.NaN) - e) <= 2 ** 8 * epsilon(dtype) * Math.max(1, Math.abs(e)))

const report = (name: string, losses: readonly number[]): void => {
  const at = [0, 10, 20, sgdSteps - 1].map((i) => `step ${i} ${losses[i]?.toFixed(4)}`)
  process.stdout.write(`${name} sine LSTM loss: ${at.join(', ')}\n`)
}

describe('an LSTM trains on the wrapper backends as on the reference', () => {
  let trained: ReturnType<typeof train> | undefined
  const reference32 = (): ReturnType<typeof train> => {
    trained ??= train({ dtype: 'float32', backend: reference })
    return trained
  }

  it(`the loss falls by more than half in ${sgdSteps} SGD steps (float32, reference)`, () => {
    const expected32 = reference32()
    report('float32 reference', expected32.losses)
    expect(expected32.losses[sgdSteps - 1] ?? Number.NaN).toBeLessThan((expected32.losses[0] ?? Number.NaN) / 2)
  })

  it('recording(reference) gives the identical loss curve and parameters, and logs every kernel', () => {
    const { backend, log } = recording(reference)
    const actual = train({ dtype: 'float32', backend })
    expect(actual.losses).toEqual(reference32().losses)
    const calls = log.calls() // frozen: kernel, op, shapes, dtype, size, ms per call
    const top = log.totals().slice(0, 3) // per kernel and op, most time first
    expect(flat(actual.params)).toEqual(flat(reference32().params))
    expect(calls.length).toBeGreaterThan(sgdSteps * steps)
    expect(calls.every((c) => c.dtype === 'float32')).toBe(true)
    const shown = top.map((t) => `${t.kernel}${t.op === undefined ? '' : `/${t.op}`} ${t.calls}× ${t.ms.toFixed(0)} ms`)
    process.stdout.write(
      `recording(reference): ${calls.length} kernel calls in ${sgdSteps} steps; most time: ${shown.join(', ')}\n`,
    )
  })

  it('promoted(reference) gives the same loss curve and parameters (float32 computed in float64)', () => {
    const actual = train({ dtype: 'float32', backend: promoted(reference) })
    const expected32 = reference32()
    report('float32 promoted(reference)', actual.losses)
    expect(withinRelative(actual.losses, expected32.losses, 'float32')).toBe(true)
    expect(withinRelative(flat(actual.params), flat(expected32.params), 'float32')).toBe(true)
  })

  it('float64: the wrappers compose, and recording(promoted(reference)) trains as the reference', () => {
    const expected = train({ dtype: 'float64', backend: reference })
    const actual = train({ dtype: 'float64', backend: recording(promoted(reference)).backend })
    report('float64 reference', expected.losses)
    expect(expected.losses[sgdSteps - 1] ?? Number.NaN).toBeLessThan((expected.losses[0] ?? Number.NaN) / 2)
    expect(withinRelative(actual.losses, expected.losses, 'float64')).toBe(true)
    expect(withinRelative(flat(actual.params), flat(expected.params), 'float64')).toBe(true)
  })
})
