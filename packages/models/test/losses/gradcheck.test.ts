/**
 * Every loss's gradient against central finite differences (`gradcheck`, float64), for each
 * reduction and with a mask, at points away from kinks (|x| ≠ δ for Huber, r ≠ 0 for MAE and
 * quantile, y·ŷ ≠ 1 for hinge).
 */
import { logSoftmax, type Tensor } from '@recur/core'
import { gradcheck } from '@recur/testing'
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
  nll,
  quantile,
  type Reduction,
  softmaxCrossEntropy,
} from '../../src/losses/index.js'
import { f64, preds, signs, truth } from './helpers.js'

const logits = f64([
  [
    [0.4, -1.1, 0.9, 0.2],
    [1.3, 0.1, -0.6, -0.2],
    [-0.8, 0.7, 0.05, 1.6],
  ],
  [
    [0.3, 0.35, -1.4, 0.8],
    [-0.1, 2.1, 0.6, -0.9],
    [0.5, -0.3, 1.2, 0.0],
  ],
]) // (N = 2, L = 3, C = 4)
const classes = f64([
  [3, 0, 1],
  [2, 1, 0],
])
const soft = f64([
  [
    [0.1, 0.2, 0.3, 0.4],
    [0.7, 0.1, 0.1, 0.1],
    [0.0, 0.5, 0.25, 0.25],
  ],
  [
    [0.25, 0.25, 0.25, 0.25],
    [0.9, 0.0, 0.1, 0.0],
    [0.3, 0.3, 0.2, 0.2],
  ],
])
const stepMask = f64([
  [1, 1, 0],
  [1, 0, 0],
])
const probs01 = f64([
  [1, 0, 0.3],
  [0.6, 1, 0],
])
const elemMask = f64([
  [1, 0, 1],
  [1, 1, 0],
])
const weights = f64([0.5, 2.0, 1.0, 0.3])
const klMask = f64([
  [
    [0, 1, 1, 0],
    [1, 1, 0, 1],
    [1, 0, 1, 1],
  ],
  [
    [1, 1, 0, 1],
    [1, 0, 1, 1],
    [0, 1, 1, 0],
  ],
])

const reductions: readonly Reduction[] = ['mean', 'sum', 'none']
const variants = reductions.flatMap((reduction) => [{ reduction }, { reduction, mask: true }])

type Case = {
  readonly name: string
  readonly run: (options: LossOptions, x: Tensor, y: Tensor) => Tensor
  readonly x: Tensor
  readonly y: Tensor
  readonly mask: Tensor
  /** Whether the targets are differentiable (probabilities, regression targets). */
  readonly targetsToo: boolean
}

const cases: readonly Case[] = [
  {
    name: 'softmaxCrossEntropy (indices)',
    run: (o, x) => softmaxCrossEntropy(x, classes, o),
    x: logits,
    y: classes,
    mask: stepMask,
    targetsToo: false,
  },
  {
    name: 'softmaxCrossEntropy (indices, weights, smoothing)',
    run: (o, x) => softmaxCrossEntropy(x, classes, { ...o, classWeights: weights, labelSmoothing: 0.1 }),
    x: logits,
    y: classes,
    mask: stepMask,
    targetsToo: false,
  },
  {
    name: 'softmaxCrossEntropy (probabilities)',
    run: (o, x, y) => softmaxCrossEntropy(x, y, o),
    x: logits,
    y: soft,
    mask: stepMask,
    targetsToo: true,
  },
  {
    name: 'nll',
    run: (o, x) => nll(logSoftmax(x), classes, { ...o, classWeights: weights }),
    x: logits,
    y: classes,
    mask: stepMask,
    targetsToo: false,
  },
  {
    name: 'focal (γ = 2, α per class)',
    run: (o, x) => focal(x, classes, { ...o, gamma: 2, alpha: weights }),
    x: logits,
    y: classes,
    mask: stepMask,
    targetsToo: false,
  },
  {
    name: 'focal (γ = 1.5, soft targets)',
    run: (o, x, y) => focal(x, y, { ...o, gamma: 1.5 }),
    x: logits,
    y: soft,
    mask: stepMask,
    targetsToo: true,
  },
  {
    name: 'binaryCrossEntropyWithLogits (posWeight)',
    run: (o, x, y) => binaryCrossEntropyWithLogits(x, y, { ...o, posWeight: f64([2, 0.5, 1.5]) }),
    x: preds,
    y: probs01,
    mask: elemMask,
    targetsToo: true,
  },
  { name: 'mse', run: (o, x, y) => mse(x, y, o), x: preds, y: truth, mask: elemMask, targetsToo: true },
  { name: 'mae', run: (o, x, y) => mae(x, y, o), x: preds, y: truth, mask: elemMask, targetsToo: true },
  { name: 'huber (δ = 1)', run: (o, x, y) => huber(x, y, o), x: preds, y: truth, mask: elemMask, targetsToo: true },
  {
    name: 'huber (δ = 0.3)',
    run: (o, x, y) => huber(x, y, { ...o, delta: 0.3 }),
    x: preds,
    y: truth,
    mask: elemMask,
    targetsToo: true,
  },
  { name: 'logCosh', run: (o, x, y) => logCosh(x, y, o), x: preds, y: truth, mask: elemMask, targetsToo: true },
  {
    name: 'quantile (q = 0.8)',
    run: (o, x, y) => quantile(x, y, { ...o, q: 0.8 }),
    x: preds,
    y: truth,
    mask: elemMask,
    targetsToo: true,
  },
  { name: 'hinge', run: (o, x) => hinge(x, signs, o), x: preds, y: signs, mask: elemMask, targetsToo: false },
  {
    name: 'klDivergence',
    run: (o, x, y) => klDivergence(logSoftmax(x), y, o),
    x: logits,
    y: soft,
    mask: klMask,
    targetsToo: false,
  },
  {
    name: 'klDivergence (perDistribution)',
    run: (o, x, y) => klDivergence(logSoftmax(x), y, { ...o, perDistribution: true }),
    x: logits,
    y: soft,
    mask: stepMask,
    targetsToo: false,
  },
]

describe.each(cases)('$name', (c) => {
  it.each(variants)('gradcheck with reduction $reduction (mask: $mask)', ({ reduction, mask }) => {
    const options: LossOptions = mask === true ? { reduction, mask: c.mask } : { reduction }
    const report = c.targetsToo
      ? gradcheck((x: Tensor, y: Tensor) => c.run(options, x, y), [c.x, c.y])
      : gradcheck((x: Tensor) => c.run(options, x, c.y), [c.x])
    expect(report.ok, report.message).toBe(true)
  })
})
