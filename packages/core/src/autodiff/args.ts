/**
 * Argument checks shared by the transformations: tangents and cotangents must have the structure,
 * shapes and dtypes of the values they go with.
 *
 * @since 0.1.0
 */
import { formatShape } from '../ShapeError.js'
import type { Tensor } from '../Tensor.js'
import { traceOf } from '../Tensor.js'
import { flatten, paths, structureDiff, type Tree } from '../Tree.js'
import type { Tag } from './Tag.js'

/**
 * Throws a `TypeError` unless `linear` (named `what`) matches `like` (named `against`) in
 * structure, shapes and dtypes; the message names the first path that differs.
 */
export const checkLike = (op: string, what: string, against: string, like: Tree, linear: Tree): void => {
  const [ls, ld] = flatten(like, against)
  const [ts, td] = flatten(linear, what)
  const diff = structureDiff(ld, td, what)
  const fail = (reason: string) =>
    new TypeError(`${op}: ${what} must match the ${against} in structure, shape and dtype: ${reason}`)
  if (diff !== undefined) throw fail(diff)
  const ps = paths(linear, what)
  ls.forEach((l, i) => {
    const t = ts[i]
    if (t === undefined) return
    if (t.shape.length !== l.shape.length || t.shape.some((d, j) => d !== l.shape[j])) {
      throw fail(`${ps[i]} has shape ${formatShape(t.shape)} where the ${against} has ${formatShape(l.shape)}`)
    }
    if (t.dtype !== l.dtype) throw fail(`${ps[i]} is ${t.dtype} where the ${against} is ${l.dtype}`)
  })
}

/** The value one level below `tag` (the primal), or the value itself when `tag` did not trace it. */
export const primalAt = (tag: Tag, t: Tensor): Tensor => {
  const tr = traceOf(t)
  return tr !== undefined && tr.tag === tag ? tr.primal : t
}
