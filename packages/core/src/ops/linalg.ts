/**
 * Matrix products.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import { bind } from '../autodiff/bind.js'
import { matmulKernelShape } from '../primitives/structural.js'
import type { Shape } from '../Shape.js'
import { orThrow } from '../Shape.js'
import { type ShapeError, shapeError } from '../ShapeError.js'
import type { Tensor } from '../Tensor.js'
import { lift } from './args.js'
import { reshape } from './movement.js'

/**
 * Transpose flags for {@link matmul}: use the transpose of the last two dimensions of an argument.
 *
 * @category model
 * @since 0.1.0
 */
export interface MatmulOptions {
  readonly transposeA?: boolean
  readonly transposeB?: boolean
}

/** The plan for one matmul: operands of equal rank ≥ 2, the final shape. */
interface Plan {
  readonly a: Shape
  readonly b: Shape
  readonly outShape: Shape
}

/**
 * The shape rule of `matmul` with NumPy and PyTorch semantics: 1-D arguments are promoted to
 * matrices and the promoted dimension is removed from the result; batch dimensions broadcast.
 *
 * @category shape rules
 * @since 0.1.0
 */
export const matmulShape = (a: Shape, b: Shape, options: MatmulOptions = {}): E.Either<ShapeError, Plan> => {
  if (a.length === 0) return E.left(shapeError('matmul', 'a', 'a scalar cannot be a matrix factor; use mul', { a, b }))
  if (b.length === 0) return E.left(shapeError('matmul', 'b', 'a scalar cannot be a matrix factor; use mul', { a, b }))
  const a2 = a.length === 1 ? [1, ...a] : a
  const b2 = b.length === 1 ? [...b, 1] : b
  const rank = Math.max(a2.length, b2.length)
  const pad = (s: Shape): Shape => [...new Array<number>(rank - s.length).fill(1), ...s]
  const ta = options.transposeA === true && a.length >= 2
  const tb = options.transposeB === true && b.length >= 2
  const kernel = matmulKernelShape(pad(a2), pad(b2), ta, tb)
  if (E.isLeft(kernel)) return E.left(shapeError('matmul', kernel.left.arg, kernel.left.reason, { a, b }))
  const k = kernel.right
  const outShape = [
    ...k.slice(0, -2),
    ...(a.length === 1 ? [] : [k[k.length - 2] ?? 0]),
    ...(b.length === 1 ? [] : [k[k.length - 1] ?? 0]),
  ]
  return E.right({ a: pad(a2), b: pad(b2), outShape })
}

/**
 * Matrix product with NumPy/PyTorch semantics. `a`: `[..., m, k]` (or `[k]`), `b`: `[..., k, n]`
 * (or `[k]`); with `transposeA` / `transposeB` the last two dimensions of that argument are read
 * transposed. Batch dimensions broadcast. Returns `[...batch, m, n]`, without `m` or `n` where
 * the argument was 1-D.
 *
 * @category linear algebra
 * @since 0.1.0
 */
export const matmul = (a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor => {
  const [x, y] = lift('matmul', [
    ['a', a],
    ['b', b],
  ])
  const plan = orThrow(matmulShape(x.shape, y.shape, options))
  const out = bind('matmul', [reshape(x, plan.a), reshape(y, plan.b)], {
    transposeA: options.transposeA === true && x.rank >= 2,
    transposeB: options.transposeB === true && y.rank >= 2,
  })
  return reshape(out, plan.outShape)
}
