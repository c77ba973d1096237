/**
 * What every loss shares: the `reduction` of a per-element loss to a scalar, the optional `mask`
 * for padded steps, and the argument checks that make bad input fail with a `ShapeError` naming the
 * loss and the argument.
 *
 * Laws, for a per-element loss `l` and a mask `m` of the same shape:
 * - `'none'` returns `l ⊙ m` (just `l` without a mask), of the per-element shape;
 * - `'sum'` returns `Σ l ⊙ m`;
 * - `'mean'` returns `Σ l ⊙ m / Σ m` — the mean over real steps (NaN when every step is masked, as
 *   PyTorch's mean over no elements); without a mask it is the plain mean.
 *
 * Targets (and masks, class weights) are data: they are cast to the predictions' dtype, and
 * targets must have exactly the shape the loss documents (no silent broadcasting).
 *
 * @since 0.1.0
 */
import { cast, div, formatShape, mean, mul, Shapes, shapeError, sum, type Tensor } from '@recur/core'

/**
 * How a per-element loss becomes the result: its mean (default), its sum, or the per-element
 * tensor itself.
 *
 * @category model
 * @since 0.1.0
 */
export type Reduction = 'mean' | 'sum' | 'none'

/**
 * Options every loss takes.
 *
 * @category model
 * @since 0.1.0
 */
export type LossOptions = {
  /** Default `'mean'`. */
  readonly reduction?: Reduction
  /**
   * Weights of the per-element loss, of exactly its shape: 1 on real steps, 0 on padding (other
   * non-negative weights work too). `'mean'` divides by the mask's sum. Cast to the loss's dtype;
   * it never receives a gradient that matters (it is data).
   */
  readonly mask?: Tensor
}

/**
 * Reduces a per-element loss `perElement` (any shape) by `options` (see the module header).
 * `denominator`, when given (same shape as `perElement`), is what `'mean'` divides by (summed, times
 * the mask) instead of the mask: PyTorch's weighted mean `Σ wᵢlᵢ / Σ wᵢ`.
 *
 * @category combinators
 * @since 0.1.0
 */
export const reduceLoss = (op: string, perElement: Tensor, options: LossOptions = {}, denominator?: Tensor): Tensor => {
  const reduction = options.reduction ?? 'mean'
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw shapeError(op, 'options.reduction', `unknown reduction ${JSON.stringify(reduction)}; expected 'mean', 'sum' or 'none'`)
  }
  const mask = options.mask === undefined ? undefined : checkMask(op, perElement, options.mask)
  const loss = mask === undefined ? perElement : mul(perElement, mask)
  if (reduction === 'none') return loss
  if (reduction === 'sum') return sum(loss)
  const weights = denominator === undefined ? mask : mask === undefined ? denominator : mul(denominator, mask)
  return weights === undefined ? mean(loss) : div(sum(loss), sum(weights))
}

const checkMask = (op: string, perElement: Tensor, mask: Tensor): Tensor => {
  if (!Shapes.equals(mask.shape, perElement.shape)) {
    throw shapeError(
      op,
      'mask',
      `the mask must have the shape of the per-element loss ${formatShape(perElement.shape)}, got ${formatShape(mask.shape)}`,
      { loss: perElement.shape, mask: mask.shape },
    )
  }
  return cast(mask, perElement.dtype)
}

/**
 * Checks that `b` (named `arg`) has exactly the shape of `a` (named `ref`) and returns it in `a`'s
 * dtype (targets are data; predictions decide the precision).
 *
 * @category guards
 * @since 0.1.0
 */
export const checkSameShape = (op: string, ref: string, a: Tensor, arg: string, b: Tensor): Tensor => {
  if (!Shapes.equals(a.shape, b.shape)) {
    throw shapeError(op, arg, `${arg} must have the shape of ${ref} ${formatShape(a.shape)}, got ${formatShape(b.shape)}`, {
      [ref]: a.shape,
      [arg]: b.shape,
    })
  }
  return cast(b, a.dtype)
}

/**
 * Checks that `t` (named `arg`) broadcasts to `target` without growing it, e.g. a per-class weight
 * `(C,)` against logits `(…, C)`.
 *
 * @category guards
 * @since 0.1.0
 */
export const checkBroadcastsTo = (op: string, arg: string, t: Tensor, ref: string, target: readonly number[]): void => {
  const fits = t.rank <= target.length && t.shape.every((d, i) => d === 1 || d === target[target.length - t.rank + i])
  if (!fits) {
    throw shapeError(op, arg, `${arg} ${formatShape(t.shape)} must broadcast to ${ref} ${formatShape(target)}`, {
      [ref]: target,
      [arg]: t.shape,
    })
  }
}

/**
 * The flat index of the first element of `t` failing `ok`, rendered as `[i, j]`, or `undefined`.
 * Reads the values (targets are data, not traced parameters).
 *
 * @category guards
 * @since 0.1.0
 */
export const firstBad = (t: Tensor, ok: (v: number) => boolean): { readonly at: string; readonly value: number } | undefined => {
  const values = t.toFlat()
  const i = values.findIndex((v) => !ok(v))
  if (i < 0) return undefined
  const idx: number[] = []
  let rest = i
  for (let d = t.rank - 1; d >= 0; d--) {
    const n = t.shape[d] ?? 1
    idx.unshift(rest % n)
    rest = Math.floor(rest / n)
  }
  return { at: `[${idx.join(', ')}]`, value: values[i] ?? Number.NaN }
}

/**
 * Checks that a numeric option is finite and within `[lo, hi]`.
 *
 * @category guards
 * @since 0.1.0
 */
export const checkRange = (op: string, arg: string, value: number, lo: number, hi: number): void => {
  if (typeof value !== 'number' || !(value >= lo && value <= hi)) {
    throw shapeError(op, arg, `${arg} must be a number in [${lo}, ${hi}], got ${String(value)}`)
  }
}
