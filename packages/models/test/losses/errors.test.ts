/**
 * Bad input fails early with a `ShapeError` that names the loss and the argument at fault.
 */
import { ShapeError, type Tensor } from '@recur/core'
import { describe, expect, it } from 'vitest'
import {
  binaryCrossEntropyWithLogits,
  focal,
  hinge,
  huber,
  klDivergence,
  logCosh,
  mae,
  mse,
  nll,
  quantile,
  type Reduction,
  softmaxCrossEntropy,
} from '../../src/losses/index.js'
import { f64 } from './helpers.js'

const logits = f64([
  [0.1, 0.2, 0.3],
  [0.4, 0.5, 0.6],
])
const x = f64([1, 2, 3])

const bad: readonly (readonly [string, () => Tensor, string, RegExp])[] = [
  [
    'targets of the wrong shape',
    () => softmaxCrossEntropy(logits, f64([0, 1, 2])),
    'targets',
    /class indices of shape \[2\] or a distribution of shape \[2, 3\]/,
  ],
  [
    'a class index out of range',
    () => softmaxCrossEntropy(logits, f64([0, 3])),
    'targets',
    /targets\[1\] = 3 is not a class index in \[0, 3\)/,
  ],
  ['a negative class index', () => nll(logits, f64([-1, 0])), 'targets', /targets\[0\] = -1/],
  ['a fractional class index', () => focal(logits, f64([0, 1.5]), { gamma: 2 }), 'targets', /targets\[1\] = 1.5/],
  [
    'distribution targets of the wrong shape',
    () =>
      softmaxCrossEntropy(
        logits,
        f64([
          [0, 1],
          [1, 0],
        ]),
      ),
    'targets',
    /shape of logits \[2, 3\]/,
  ],
  ['scalar logits', () => softmaxCrossEntropy(f64(1), f64(0)), 'logits', /class axis/],
  [
    'class weights of the wrong length',
    () => softmaxCrossEntropy(logits, f64([0, 1]), { classWeights: f64([1, 2]) }),
    'classWeights',
    /one weight per class, shape \[3\]/,
  ],
  [
    'focal alpha of the wrong length',
    () => focal(logits, f64([0, 1]), { gamma: 1, alpha: f64([1]) }),
    'alpha',
    /one weight per class/,
  ],
  [
    'a mask of the wrong shape',
    () => softmaxCrossEntropy(logits, f64([0, 1]), { mask: logits }),
    'mask',
    /per-element loss \[2\], got \[2, 3\]/,
  ],
  [
    'label smoothing above 1',
    () => softmaxCrossEntropy(logits, f64([0, 1]), { labelSmoothing: 1.5 }),
    'labelSmoothing',
    /\[0, 1\]/,
  ],
  ['an unknown reduction', () => mse(x, x, { reduction: 'avg' as Reduction }), 'options.reduction', /unknown reduction "avg"/],
  ['mse targets of another shape', () => mse(x, f64([1, 2])), 'targets', /shape of predictions \[3\], got \[2\]/],
  ['mae targets of another shape', () => mae(x, f64([[1, 2, 3]])), 'targets', /shape of predictions/],
  ['huber targets of another shape', () => huber(x, f64([1])), 'targets', /shape of predictions/],
  ['huber delta ≤ 0', () => huber(x, x, { delta: 0 }), 'delta', /positive/],
  ['logCosh targets of another shape', () => logCosh(x, f64([1])), 'targets', /shape of predictions/],
  ['quantile q outside [0, 1]', () => quantile(x, x, { q: 2 }), 'q', /\[0, 1\]/],
  [
    'hinge targets that are not ±1',
    () => hinge(x, f64([1, 0, -1])),
    'targets',
    /targets\[1\] = 0; hinge targets must be −1 or \+1/,
  ],
  ['BCE targets of another shape', () => binaryCrossEntropyWithLogits(logits, x), 'targets', /shape of logits/],
  [
    'BCE posWeight that does not broadcast',
    () => binaryCrossEntropyWithLogits(x, x, { posWeight: f64([1, 2]) }),
    'posWeight',
    /must broadcast to logits \[3\]/,
  ],
  ['KL p of another shape', () => klDivergence(logits, x), 'p', /shape of logQ/],
  ['focal gamma < 0', () => focal(logits, f64([0, 1]), { gamma: -1 }), 'gamma', /≥ 0/],
]

describe('bad input', () => {
  it.each(bad)('%s is rejected naming %s', (_, run, arg, message) => {
    let error: unknown
    try {
      run()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ShapeError)
    if (error instanceof ShapeError) {
      expect(error.arg).toBe(arg)
      expect(error.message).toMatch(message)
    }
  })
})
