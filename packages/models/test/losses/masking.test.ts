/**
 * Reductions and masks, the same for every loss: 'sum' = Σ 'none', 'mean' = Σ 'none' / count,
 * a mask weights the per-element loss and 'mean' divides by its sum; padded steps never matter.
 */
import { fc, test } from '@fast-check/vitest'
import { cpu } from '@recur/backend-cpu'
import { fromFlat, grad, mean, oneHot, softmax, sub, sum, type Tensor } from '@recur/core'
import { describe, expect, it } from 'vitest'
import {
  binaryCrossEntropyWithLogits,
  focal,
  hinge,
  huber,
  klDivergence,
  type LossOptions,
  logCosh,
  mae,
  mse,
  quantile,
  softmaxCrossEntropy,
} from '../../src/losses/index.js'
import { expectClose, f32, f64, preds, signs, truth } from './helpers.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 100)
process.stdout.write(`loss properties: seed ${seed}, ${numRuns} runs\n`)

const x = preds
const y = truth
const mask = f64([
  [1, 0, 1],
  [0, 1, 1],
])

const elementwise: readonly (readonly [string, (o: LossOptions) => Tensor])[] = [
  ['mse', (o) => mse(x, y, o)],
  ['mae', (o) => mae(x, y, o)],
  ['huber', (o) => huber(x, y, { ...o, delta: 0.5 })],
  ['logCosh', (o) => logCosh(x, y, o)],
  ['quantile', (o) => quantile(x, y, { ...o, q: 0.3 })],
  ['hinge', (o) => hinge(x, signs, o)],
  [
    'binaryCrossEntropyWithLogits',
    (o) =>
      binaryCrossEntropyWithLogits(
        x,
        f64([
          [1, 0, 0.5],
          [0, 1, 1],
        ]),
        o,
      ),
  ],
  [
    'klDivergence',
    (o) =>
      klDivergence(
        x,
        f64([
          [0.2, 0.3, 0.5],
          [0, 0.6, 0.4],
        ]),
        o,
      ),
  ],
]

describe.each(elementwise)('%s', (_, loss) => {
  it("'sum' and 'mean' reduce 'none'", () => {
    const none = loss({ reduction: 'none' })
    expect(none.shape).toEqual([2, 3])
    expectClose(loss({ reduction: 'sum' }), sum(none).item())
    expectClose(loss({}), mean(none).item())
  })

  it("a mask zeroes padded elements and 'mean' divides by its sum", () => {
    const none = loss({ reduction: 'none' }).toFlat()
    const m = mask.toFlat()
    const kept = none.map((v, i) => v * (m[i] ?? 0))
    expectClose(loss({ reduction: 'none', mask }), kept)
    expectClose(
      loss({ reduction: 'sum', mask }),
      kept.reduce((a, b) => a + b, 0),
    )
    expectClose(loss({ mask }), kept.reduce((a, b) => a + b, 0) / 4)
    expectClose(
      loss({
        mask: f64([
          [1, 1, 1],
          [1, 1, 1],
        ]),
      }),
      loss({}).item(),
    )
  })
})

describe('masked sequence losses', () => {
  const logits = f64([
    [
      [0.2, 1.0, -0.3],
      [1.5, 0.0, 0.4],
      [9.0, -9.0, 3.0],
    ],
  ]) // (1, 3, 3), the last step is padding
  const targets = f64([[1, 0, 0]])
  const steps = f64([[1, 1, 0]])

  it("'mean' is the mean over real steps, and padding never reaches the loss or the gradient", () => {
    const none = softmaxCrossEntropy(logits, targets, { reduction: 'none' }).toFlat()
    expectClose(softmaxCrossEntropy(logits, targets, { mask: steps }), ((none[0] ?? 0) + (none[1] ?? 0)) / 2)
    const g = grad((l: Tensor) => softmaxCrossEntropy(l, targets, { mask: steps }))(logits).toFlat()
    expect(g.slice(6).map(Math.abs)).toEqual([0, 0, 0])
    const other = f64([
      [
        [0.2, 1.0, -0.3],
        [1.5, 0.0, 0.4],
        [-4.0, 7.0, 0.0],
      ],
    ])
    expect(softmaxCrossEntropy(other, targets, { mask: steps }).item()).toBe(
      softmaxCrossEntropy(logits, targets, { mask: steps }).item(),
    )
  })

  it('combines a mask with class weights: Σ m·w_t·l / Σ m·w_t', () => {
    const w = f64([0.5, 2.0, 1.0])
    const none = softmaxCrossEntropy(logits, targets, { reduction: 'none', classWeights: w }).toFlat()
    expectClose(
      softmaxCrossEntropy(logits, targets, { classWeights: w, mask: steps }),
      ((none[0] ?? 0) + (none[1] ?? 0)) / (2.0 + 0.5),
    )
  })

  it('accepts a float32 mask for float64 logits, and per-distribution masks for KL and focal', () => {
    expectClose(
      softmaxCrossEntropy(logits, targets, { mask: f32([[1, 1, 0]]) }),
      softmaxCrossEntropy(logits, targets, { mask: steps }).item(),
    )
    expect(focal(logits, targets, { gamma: 2, mask: steps, reduction: 'none' }).shape).toEqual([1, 3])
    expect(klDivergence(logits, softmax(logits), { perDistribution: true, mask: steps, reduction: 'none' }).shape).toEqual([1, 3])
  })

  it("gives NaN for 'mean' when every step is masked (as PyTorch's mean over nothing)", () => {
    expect(softmaxCrossEntropy(logits, targets, { mask: f64([[0, 0, 0]]) }).item()).toBeNaN()
  })
})

const problem = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 6 })).chain(([n, c]) =>
  fc.record({
    n: fc.constant(n),
    c: fc.constant(c),
    logits: fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: n * c, maxLength: n * c }),
    targets: fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }),
    mask: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
  }),
)

describe('softmaxCrossEntropy properties', () => {
  test.prop([problem], { seed, numRuns })('the gradient of the summed loss is ŷ − y', ({ n, c, logits, targets }) => {
    const l = fromFlat(logits, [n, c], { dtype: 'float64', backend: cpu })
    const t = fromFlat(targets, [n], { dtype: 'float64', backend: cpu })
    const g = grad((z: Tensor) => softmaxCrossEntropy(z, t, { reduction: 'sum' }))(l)
    expectClose(g, sub(softmax(l), oneHot(t, c, 'float64')).toFlat(), 1e-15)
  })

  test.prop([problem], { seed, numRuns })(
    'masked mean = Σ m·l / Σ m, and masked rows get no gradient',
    ({ n, c, logits, targets, mask: m }) => {
      const l = fromFlat(logits, [n, c], { dtype: 'float64', backend: cpu })
      const t = fromFlat(targets, [n], { dtype: 'float64', backend: cpu })
      const mt = fromFlat(m, [n], { dtype: 'float64', backend: cpu })
      const none = softmaxCrossEntropy(l, t, { reduction: 'none' }).toFlat()
      const total = m.reduce<number>((a, b) => a + b, 0)
      const got = softmaxCrossEntropy(l, t, { mask: mt }).item()
      if (total === 0) expect(got).toBeNaN()
      else expectClose(softmaxCrossEntropy(l, t, { mask: mt }), none.reduce((a, v, i) => a + v * (m[i] ?? 0), 0) / total, 1e-13)
      const g = grad((z: Tensor) => softmaxCrossEntropy(z, t, { mask: mt, reduction: 'sum' }))(l).toFlat()
      g.forEach((v, i) => {
        if (m[Math.floor(i / c)] === 0) expect(Math.abs(v)).toBe(0)
      })
    },
  )
})
