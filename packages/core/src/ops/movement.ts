/**
 * Operations that move elements without computing on them: reshape, transpose, slice, pad,
 * concat, stack, broadcastTo, expandDims, squeeze.
 *
 * @since 0.1.0
 */

import { bind } from '../autodiff/bind.js'
import { bindMany } from '../autodiff/bindMany.js'
import type { Pad } from '../Backend.js'
import { check, equals, normalizeAxis, orThrow, size } from '../Shape.js'
import { formatShape, shapeError } from '../ShapeError.js'
import type { Tensor } from '../Tensor.js'
import { expectTensor, lift } from './args.js'

/**
 * The same elements under a new shape. One dimension may be `-1`, inferred from the others.
 * `x`: any shape; returns `shape`.
 *
 * @category movement
 * @since 0.1.0
 */
export const reshape = (x: Tensor, shape: readonly number[]): Tensor => {
  const t = expectTensor('reshape', 'x', x)
  const inferred = shape.filter((d) => d === -1).length
  if (inferred > 1)
    throw shapeError('reshape', 'shape', `at most one dimension may be -1, got ${formatShape(shape)}`, { x: t.shape })
  const known = orThrow(
    check(
      'reshape',
      'shape',
      shape.filter((d) => d !== -1),
    ),
  )
  const rest = size(known)
  const fill = inferred === 1 && rest > 0 ? t.size / rest : 0
  if (inferred === 1 && (rest === 0 || !Number.isInteger(fill))) {
    throw shapeError('reshape', 'shape', `cannot infer the -1 in ${formatShape(shape)} for ${t.size} elements`, { x: t.shape })
  }
  const target = shape.map((d) => (d === -1 ? fill : d))
  return equals(target, t.shape) ? t : bind('reshape', [t], { shape: target })
}

/**
 * Permutes axes: output axis `i` is input axis `perm[i]`. Default: reverse all axes.
 *
 * @category movement
 * @since 0.1.0
 */
export const transpose = (x: Tensor, perm?: readonly number[]): Tensor => {
  const t = expectTensor('transpose', 'x', x)
  const p = perm ?? t.shape.map((_, i) => t.rank - 1 - i)
  if (p.length !== t.rank) {
    throw shapeError('transpose', 'perm', `perm [${p.join(', ')}] has ${p.length} entries for rank ${t.rank}`, { x: t.shape })
  }
  const axes = p.map((a) => orThrow(normalizeAxis('transpose', 'perm', a, t.rank, { x: t.shape })))
  if (new Set(axes).size !== axes.length) {
    throw shapeError('transpose', 'perm', `perm [${p.join(', ')}] is not a permutation`, { x: t.shape })
  }
  return axes.every((a, i) => a === i) ? t : bind('transpose', [t], { perm: axes })
}

/**
 * The block of `x` that starts at `begin` and has dimensions `size` (`-1`: to the end of that
 * axis). `begin` and `size` have one entry per axis of `x`. Returns a tensor of the block's shape.
 *
 * @category movement
 * @since 0.1.0
 */
export const slice = (x: Tensor, begin: readonly number[], sizes: readonly number[]): Tensor => {
  const t = expectTensor('slice', 'x', x)
  const shapes = { x: t.shape }
  if (begin.length !== t.rank)
    throw shapeError('slice', 'begin', `begin [${begin.join(', ')}] has ${begin.length} entries for rank ${t.rank}`, shapes)
  if (sizes.length !== t.rank)
    throw shapeError('slice', 'size', `size [${sizes.join(', ')}] has ${sizes.length} entries for rank ${t.rank}`, shapes)
  const out = t.shape.map((dim, i) => ((sizes[i] ?? 0) === -1 ? dim - (begin[i] ?? 0) : (sizes[i] ?? 0)))
  return bind('slice', [t], { begin, size: out })
}

/**
 * `x` surrounded by `value` (default 0): `pads[i] = [before, after]` elements on axis `i`.
 * Returns shape `x.shape[i] + before + after` on each axis.
 *
 * @category movement
 * @since 0.1.0
 */
export const pad = (x: Tensor, pads: readonly Pad[], value = 0): Tensor => {
  const t = expectTensor('pad', 'x', x)
  return bind('pad', [t], { pads, value })
}

/**
 * Joins tensors along an existing axis. All must share rank, dtype, backend, and every dimension
 * but `axis`. Returns the shape of `xs[0]` with `axis` the sum of theirs.
 *
 * @category movement
 * @since 0.1.0
 */
export const concat = (xs: readonly Tensor[], axis = 0): Tensor => {
  if (xs.length === 0) throw shapeError('concat', 'xs', 'needs at least one tensor')
  const ts = lift(
    'concat',
    xs.map((t, i) => [`xs[${i}]`, t] as const),
  )
  const first = ts[0]
  if (first === undefined) throw shapeError('concat', 'xs', 'needs at least one tensor')
  const a = orThrow(normalizeAxis('concat', 'axis', axis, first.rank, { 'xs[0]': first.shape }))
  return ts.length === 1 ? first : bind('concat', ts, { axis: a })
}

/**
 * Inserts a dimension of size 1 at `axis` (which may be `rank`, meaning last).
 *
 * @category movement
 * @since 0.1.0
 */
export const expandDims = (x: Tensor, axis = 0): Tensor => {
  const t = expectTensor('expandDims', 'x', x)
  const a = orThrow(normalizeAxis('expandDims', 'axis', axis, t.rank + 1, { x: t.shape }))
  return reshape(t, [...t.shape.slice(0, a), 1, ...t.shape.slice(a)])
}

/**
 * Removes size-1 dimensions: the given axes (each must have size 1), or all of them.
 *
 * @category movement
 * @since 0.1.0
 */
export const squeeze = (x: Tensor, axes?: readonly number[]): Tensor => {
  const t = expectTensor('squeeze', 'x', x)
  const drop = (axes ?? t.shape.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) =>
    orThrow(normalizeAxis('squeeze', 'axes', a, t.rank, { x: t.shape })),
  )
  for (const a of drop) {
    if (t.shape[a] !== 1) throw shapeError('squeeze', 'axes', `axis ${a} has size ${t.shape[a]}, not 1`, { x: t.shape })
  }
  return reshape(
    t,
    t.shape.filter((_, i) => !drop.includes(i)),
  )
}

/**
 * Joins tensors of one shape along a new axis. Returns `xs[0].shape` with `xs.length` inserted at
 * `axis`.
 *
 * @category movement
 * @since 0.1.0
 */
export const stack = (xs: readonly Tensor[], axis = 0): Tensor => {
  if (xs.length === 0) throw shapeError('stack', 'xs', 'needs at least one tensor')
  const first = expectTensor('stack', 'xs[0]', xs[0])
  xs.forEach((t, i) => {
    if (!equals(expectTensor('stack', `xs[${i}]`, t).shape, first.shape)) {
      throw shapeError('stack', `xs[${i}]`, `shape ${formatShape(t.shape)} differs from xs[0] ${formatShape(first.shape)}`, {
        'xs[0]': first.shape,
        [`xs[${i}]`]: t.shape,
      })
    }
  })
  const a = orThrow(normalizeAxis('stack', 'axis', axis, first.rank + 1, { 'xs[0]': first.shape }))
  return concat(
    xs.map((t) => expandDims(t, a)),
    a,
  )
}

/**
 * Repeats `x` along broadcast dimensions to `shape` (NumPy rules; `x` must broadcast to exactly
 * `shape`).
 *
 * @category movement
 * @since 0.1.0
 */
export const broadcastTo = (x: Tensor, shape: readonly number[]): Tensor => {
  const t = expectTensor('broadcastTo', 'x', x)
  const target = orThrow(check('broadcastTo', 'shape', shape))
  return equals(t.shape, target) ? t : bind('broadcastTo', [t], { shape: target })
}

/**
 * The slice at position `i` of `axis`, with that axis removed. `x`: rank ≥ 1; returns `x.shape`
 * without `axis`.
 *
 * @category movement
 * @since 0.1.0
 */
export const index = (x: Tensor, i: number, axis = 0): Tensor => {
  const t = expectTensor('index', 'x', x)
  const a = orThrow(normalizeAxis('index', 'axis', axis, t.rank, { x: t.shape }))
  const n = t.shape[a] ?? 0
  if (!Number.isInteger(i) || i < 0 || i >= n)
    throw shapeError('index', 'i', `index ${i} is out of range [0, ${n}) on axis ${a}`, { x: t.shape })
  const begin = t.shape.map((_, j) => (j === a ? i : 0))
  const sizes = t.shape.map((d, j) => (j === a ? 1 : d))
  return reshape(
    slice(t, begin, sizes),
    t.shape.filter((_, j) => j !== a),
  )
}

/**
 * Every slice along `axis`, in order (the inverse of {@link stack}). Returns `x.shape[axis]`
 * tensors of `x.shape` without `axis`.
 *
 * @category movement
 * @since 0.1.0
 */
export const unstack = (x: Tensor, axis = 0): Tensor[] => {
  const t = expectTensor('unstack', 'x', x)
  const a = orThrow(normalizeAxis('unstack', 'axis', axis, t.rank, { x: t.shape }))
  // One primitive with a result per slice: its pullback is one stack, not a padded copy per slice.
  return (t.shape[a] ?? 0) === 0 ? [] : bindMany('unstack', [t], { axis: a })
}
