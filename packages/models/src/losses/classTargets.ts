/**
 * Class targets, shared by the classification losses (`softmaxCrossEntropy`, `nll`, `focal`):
 * targets are either class indices `(…)` (a float tensor of integers in `[0, C)`) or a
 * distribution over classes `(…, C)` of the scores' shape (one-hot or probabilities). Both become a
 * distribution `y` of shape `(…, C)`; indices through `oneHot`, so that a loss is one formula.
 *
 * The classes are on the **last** axis (PyTorch puts them on axis 1 of `(N, C, d₁, …)`; move them
 * with `transpose` first).
 *
 * @since 0.1.0
 */
import { cast, equal, formatShape, mul, neg, oneHot, Shapes, shapeError, sum, type Tensor, where } from '@recur/core'
import { checkSameShape, firstBad, type LossOptions, reduceLoss } from './reduction.js'

/**
 * Per-class weights, as PyTorch's `weight` argument.
 *
 * @category model
 * @since 0.1.0
 */
export type ClassWeightOptions = LossOptions & {
  /**
   * `(C,)` weight of each class. With class-index targets, element `i` is weighted by
   * `w[targets[i]]` and `'mean'` divides by `Σᵢ w[targets[i]]` (PyTorch's weighted mean); with
   * distribution targets the loss is `−Σ_c w_c y_c log p_c` and `'mean'` divides by the number of
   * elements (also PyTorch's rule).
   */
  readonly classWeights?: Tensor
}

/**
 * Targets resolved against scores `(…, C)`.
 *
 * @category model
 * @since 0.1.0
 */
export type ClassTargets = {
  /** `(…, C)` target distribution, in the scores' dtype. */
  readonly y: Tensor
  /** Whether the targets were class indices. */
  readonly indices: boolean
  /** Number of classes `C`. */
  readonly classes: number
}

/**
 * Resolves `targets` against `scores` (named `scoresName`, shape `(…, C)`); fails naming
 * `targets` when its shape fits neither form or an index is not an integer in `[0, C)`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const classTargets = (op: string, scoresName: string, scores: Tensor, targets: Tensor): ClassTargets => {
  if (scores.rank === 0) {
    throw shapeError(op, scoresName, `${scoresName} needs a class axis (…, C), got a scalar`, { [scoresName]: scores.shape })
  }
  const classes = scores.shape[scores.rank - 1] ?? 0
  const shapes = { [scoresName]: scores.shape, targets: targets.shape }
  if (targets.rank === scores.rank) {
    return { y: checkSameShape(op, scoresName, scores, 'targets', targets), indices: false, classes }
  }
  if (targets.rank !== scores.rank - 1 || !Shapes.equals(targets.shape, scores.shape.slice(0, -1))) {
    throw shapeError(
      op,
      'targets',
      `targets must be class indices of shape ${formatShape(scores.shape.slice(0, -1))} or a distribution of shape ${formatShape(scores.shape)}, got ${formatShape(targets.shape)}`,
      shapes,
    )
  }
  const bad = firstBad(targets, (v) => Number.isInteger(v) && v >= 0 && v < classes)
  if (bad !== undefined) {
    throw shapeError(op, 'targets', `targets${bad.at} = ${bad.value} is not a class index in [0, ${classes})`, shapes)
  }
  return { y: oneHot(targets, classes, scores.dtype), indices: true, classes }
}

/**
 * `(C,)` class weights in the dtype of `scores`, checked against the class count.
 *
 * @category constructors
 * @since 0.1.0
 */
export const classWeightsOf = (op: string, arg: string, weights: Tensor, scores: Tensor, classes: number): Tensor => {
  if (!Shapes.equals(weights.shape, [classes])) {
    throw shapeError(op, arg, `${arg} must have one weight per class, shape [${classes}], got ${formatShape(weights.shape)}`, {
      scores: scores.shape,
      [arg]: weights.shape,
    })
  }
  return cast(weights, scores.dtype)
}

/**
 * `logProbs` with `−∞` replaced by 0 where the target `y` is 0, so that `y · log p` follows
 * `0 · log 0 = 0` — in the value and in the gradient (no NaN) — while staying differentiable in `y`
 * wherever `log p` is finite.
 *
 * @category combinators
 * @since 0.1.0
 */
export const safeLogProbs = (y: Tensor, logProbs: Tensor): Tensor =>
  where(mul(equal(y, 0), equal(logProbs, Number.NEGATIVE_INFINITY)), 0, logProbs)

/**
 * The weighted negative log-likelihood `−Σ_c w_c y_c log p_c` per element `(…)`, reduced by
 * `options` with PyTorch's weighted mean for index targets. `y` may be smoothed; `t.y` (the
 * unsmoothed targets) decides each element's weight `w[targets[i]]` in the mean.
 *
 * @category combinators
 * @since 0.1.0
 */
export const weightedNll = (op: string, logProbs: Tensor, t: ClassTargets, y: Tensor, options: ClassWeightOptions): Tensor => {
  const w =
    options.classWeights === undefined ? undefined : classWeightsOf(op, 'classWeights', options.classWeights, logProbs, t.classes)
  const wy = w === undefined ? y : mul(y, w)
  const perElement = neg(sum(mul(wy, safeLogProbs(y, logProbs)), { axes: -1 }))
  const denominator = w !== undefined && t.indices ? sum(mul(t.y, w), { axes: -1 }) : undefined
  return reduceLoss(op, perElement, options, denominator)
}
