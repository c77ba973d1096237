/**
 * Classification losses against PyTorch 1.13 (values printed by `torch.nn.functional` in float64
 * on the same inputs, quoted below) and against their formulas.
 */
import { exp, grad, logSoftmax, oneHot, softmax, sub, sum, type Tensor } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { binaryCrossEntropyWithLogits, focal, nll, softmaxCrossEntropy } from '../../src/losses/index.js'
import { expectClose, f64 } from './helpers.js'

const logits = f64([
  [1.0, -0.5, 2.0],
  [0.3, 0.2, -1.0],
  [-2.0, 0.5, 0.1],
])
const targets = f64([2, 0, 1])
const weights = f64([0.2, 1.0, 3.0])
const probs = f64([
  [0.1, 0.6, 0.3],
  [0.0, 0.5, 0.5],
  [1.0, 0.0, 0.0],
])

describe('softmaxCrossEntropy', () => {
  it('matches F.cross_entropy with index targets', () => {
    expectClose(softmaxCrossEntropy(logits, targets), 0.570215183886289)
    expectClose(
      softmaxCrossEntropy(logits, targets, { reduction: 'none' }),
      [0.37153903185268283, 0.7781173641380799, 0.5609891556681044],
    )
    expectClose(softmaxCrossEntropy(logits, targets, { reduction: 'sum' }), 3 * 0.570215183886289)
  })

  it('matches F.cross_entropy with class weights (weighted mean divides by Σ w[target])', () => {
    expectClose(softmaxCrossEntropy(logits, targets, { classWeights: weights }), 0.43600707715565923)
    expectClose(
      softmaxCrossEntropy(logits, targets, { classWeights: weights, reduction: 'none' }),
      [1.1146170955580486, 0.155623472827616, 0.5609891556681044],
    )
  })

  it('matches F.cross_entropy with label smoothing, with and without weights', () => {
    expectClose(softmaxCrossEntropy(logits, targets, { labelSmoothing: 0.1 }), 0.6568818505529557)
    const both = { classWeights: weights, labelSmoothing: 0.1 }
    expectClose(softmaxCrossEntropy(logits, targets, both), 0.5160945544953889)
    expectClose(softmaxCrossEntropy(logits, targets, { ...both, reduction: 'sum' }), 2.1675971288806335)
    expectClose(
      softmaxCrossEntropy(logits, targets, { ...both, reduction: 'none' }),
      [1.1451708504616194, 0.3823308898575189, 0.6400953885614952],
    )
  })

  it('matches F.cross_entropy with probability targets (weighted mean divides by the count)', () => {
    expectClose(softmaxCrossEntropy(logits, probs), 2.170215183886289)
    expectClose(softmaxCrossEntropy(logits, probs, { classWeights: weights }), 2.084390629275286)
    expectClose(softmaxCrossEntropy(logits, probs, { classWeights: weights, labelSmoothing: 0.2 }), 2.0138394215750566)
  })

  it('gives the same loss for index targets and their one-hot encoding', () => {
    const oh = oneHot(targets, 3, 'float64')
    expectClose(
      softmaxCrossEntropy(logits, oh, { reduction: 'none' }),
      softmaxCrossEntropy(logits, targets, { reduction: 'none' }).toFlat(),
    )
  })

  it('has gradient exactly ŷ − y with respect to the logits (sum reduction)', () => {
    const g = grad((x: Tensor) => softmaxCrossEntropy(x, targets, { reduction: 'sum' }))(logits)
    expect(g.toFlat()).toEqual(sub(softmax(logits), oneHot(targets, 3, 'float64')).toFlat())
    const gProbs = grad((x: Tensor) => softmaxCrossEntropy(x, probs, { reduction: 'sum' }))(logits)
    expect(gProbs.toFlat()).toEqual(sub(softmax(logits), probs).toFlat())
    const gMean = grad((x: Tensor) => softmaxCrossEntropy(x, targets))(logits)
    expectClose(
      gMean,
      sub(softmax(logits), oneHot(targets, 3, 'float64'))
        .toFlat()
        .map((v) => v / 3),
      1e-16,
    )
  })

  it('works on batched sequences (N, L, C) with index targets (N, L)', () => {
    const x = f64([
      [
        [0.1, 0.2],
        [0.3, -0.4],
      ],
    ])
    const y = f64([[1, 0]])
    const lp = logSoftmax(x).toFlat()
    expectClose(softmaxCrossEntropy(x, y, { reduction: 'none' }), [-(lp[1] ?? 0), -(lp[2] ?? 0)])
  })
})

describe('nll', () => {
  it('equals cross-entropy on log-softmax outputs, with PyTorch weights', () => {
    const lp = logSoftmax(logits)
    expectClose(nll(lp, targets, { classWeights: weights }), 0.43600707715565923)
    expectClose(nll(lp, targets), 0.570215183886289)
  })

  it('ignores −∞ log-probabilities of classes that are not targets, in value and gradient', () => {
    const lp = f64([
      [Math.log(0.5), Math.log(0.5), Number.NEGATIVE_INFINITY],
      [Number.NEGATIVE_INFINITY, 0, Number.NEGATIVE_INFINITY],
    ])
    const y = f64([0, 1])
    expectClose(nll(lp, y, { reduction: 'sum' }), Math.LN2)
    expectClose(grad((x: Tensor) => nll(x, y, { reduction: 'sum' }))(lp), [-1, 0, 0, 0, -1, 0])
  })
})

describe('binaryCrossEntropyWithLogits', () => {
  const y = f64([
    [1.0, 0.0, 0.3],
    [0.0, 1.0, 0.7],
    [1.0, 1.0, 0.0],
  ])
  it('matches F.binary_cross_entropy_with_logits, with and without pos_weight', () => {
    expectClose(binaryCrossEntropyWithLogits(logits, y), 0.9028249043784771)
    expectClose(
      binaryCrossEntropyWithLogits(logits, y, { posWeight: f64([2.0, 0.5, 1.0]), reduction: 'none' }),
      [
        0.6265233750364457, 0.4740769841801067, 1.5269280110429726, 0.854355244468527, 0.2990694346907959, 1.0132616875182228,
        4.253856022085945, 0.23703849209005334, 0.7443966600735709,
      ],
    )
  })

  it('has gradient σ(x) − y without pos_weight', () => {
    const g = grad((x: Tensor) => binaryCrossEntropyWithLogits(x, y, { reduction: 'sum' }))(logits)
    const sig = logits.toFlat().map((v) => 1 / (1 + Math.exp(-v)))
    expectClose(
      g,
      sig.map((s, i) => s - (y.toFlat()[i] ?? 0)),
      1e-15,
    )
  })
})

describe('focal', () => {
  it('is cross-entropy at γ = 0', () => {
    expectClose(focal(logits, targets, { gamma: 0 }), 0.570215183886289)
    expectClose(focal(logits, targets, { gamma: 0, alpha: weights, reduction: 'sum' }), 0.43600707715565923 * (3.0 + 0.2 + 1.0))
  })

  it('follows −α_t (1 − p_t)^γ log p_t', () => {
    const p = exp(logSoftmax(logits)).toArray() as number[][]
    const t = [2, 0, 1]
    const alpha = [0.2, 1.0, 3.0]
    const want = t.map((c, i) => {
      const pt = p[i]?.[c] ?? 0
      return -(alpha[c] ?? 0) * (1 - pt) ** 2 * Math.log(pt)
    })
    expectClose(focal(logits, targets, { gamma: 2, alpha: weights, reduction: 'none' }), want)
    expectClose(
      focal(logits, targets, { gamma: 2, alpha: 0.25 }),
      (0.25 * want.reduce((a, b, i) => a + b / (alpha[t[i] ?? 0] ?? 1), 0)) / 3,
    )
  })

  it('down-weights easy examples: never more than cross-entropy', () => {
    const ce = softmaxCrossEntropy(logits, targets, { reduction: 'none' }).toFlat()
    const fl = focal(logits, targets, { gamma: 2, reduction: 'none' }).toFlat()
    fl.forEach((v, i) => {
      expect(v).toBeLessThanOrEqual(ce[i] ?? 0)
    })
    expect(sum(focal(logits, targets, { gamma: 2, reduction: 'none' })).item()).toBeGreaterThan(0)
  })
})
