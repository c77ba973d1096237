/**
 * Argument checks shared by the transformations: tangents and cotangents must have the structure,
 * shapes and dtypes of the values they go with.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Tensor } from '../Tensor.js'
import { traceOf } from '../Tensor.js'
import { type Tree, sameType } from '../Tree.js'
import type { Tag } from './Tag.js'

/** Throws unless `linear` matches `like` in structure, shapes and dtypes, naming the path. */
export const checkLike = (op: string, what: string, like: Tree, linear: Tree): void => {
  const r = sameType(like, linear, what)
  if (E.isLeft(r)) throw new TypeError(`${op}: ${what} must match the ${what === 'tangents' ? 'primals' : 'outputs'} in structure, shape and dtype: ${r.left.replace('changed', 'has')}`)
}

/** The value one level below `tag` (the primal), or the value itself when `tag` did not trace it. */
export const primalAt = (tag: Tag, t: Tensor): Tensor => {
  const tr = traceOf(t)
  return tr !== undefined && tr.tag === tag ? tr.primal : t
}
