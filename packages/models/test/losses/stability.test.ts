/**
 * Stability: logits of ±1000 (where exp overflows) give finite, correct losses and gradients.
 */
import { grad, logSoftmax, type Tensor } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { binaryCrossEntropyWithLogits, focal, klDivergence, logCosh, nll, softmaxCrossEntropy } from '../../src/losses/index.js'
import { allFinite, expectClose, f32, f64 } from './helpers.js'

const huge = f64([
  [1000, -1000, 0],
  [-1000, 1000, 500],
])
const targets = f64([0, 0])

const cases: readonly (readonly [string, (x: Tensor) => Tensor])[] = [
  ['softmaxCrossEntropy', (x) => softmaxCrossEntropy(x, targets)],
  [
    'softmaxCrossEntropy (smoothing, weights)',
    (x) => softmaxCrossEntropy(x, targets, { labelSmoothing: 0.1, classWeights: f64([1, 2, 3]) }),
  ],
  ['nll ∘ logSoftmax', (x) => nll(logSoftmax(x), targets)],
  ['focal (γ = 2)', (x) => focal(x, targets, { gamma: 2 })],
  ['focal (γ = 0)', (x) => focal(x, targets, { gamma: 0 })],
  [
    'binaryCrossEntropyWithLogits',
    (x) =>
      binaryCrossEntropyWithLogits(
        x,
        f64([
          [1, 0, 1],
          [1, 0, 0],
        ]),
        { posWeight: f64([2, 1, 1]) },
      ),
  ],
  [
    'logCosh',
    (x) =>
      logCosh(
        x,
        f64([
          [0, 0, 0],
          [0, 0, 0],
        ]),
      ),
  ],
  [
    'klDivergence ∘ logSoftmax',
    (x) =>
      klDivergence(
        logSoftmax(x),
        f64([
          [0.5, 0, 0.5],
          [0, 1, 0],
        ]),
      ),
  ],
]

describe.each(cases)('%s at logits ±1000', (_, loss) => {
  it('has a finite loss and gradient, in float64 and float32', () => {
    expect(Number.isFinite(loss(huge).item())).toBe(true)
    expect(allFinite(grad(loss)(huge))).toBe(true)
    const h32 = f32(huge.toArray())
    expect(Number.isFinite(loss(h32).item())).toBe(true)
    expect(allFinite(grad(loss)(h32))).toBe(true)
  })
})

describe('values at ±1000', () => {
  it('cross-entropy is 0 for a confident right answer and the margin for a confident wrong one', () => {
    expectClose(softmaxCrossEntropy(huge, targets, { reduction: 'none' }), [0, 2000])
    expectClose(grad((x: Tensor) => softmaxCrossEntropy(x, targets, { reduction: 'sum' }))(huge), [0, 0, 0, -1, 1, 0])
  })

  it('BCE is x for a confident wrong positive and 0 for a confident right one', () => {
    expectClose(binaryCrossEntropyWithLogits(f64([1000, -1000, 1000]), f64([1, 1, 0]), { reduction: 'none' }), [0, 1000, 1000])
  })
})
