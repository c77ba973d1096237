/**
 * Forward mode. `jvp(f, primals, tangents)` evaluates `f` at `primals` and its directional
 * derivative along `tangents` in one pass, by running `f` on dual numbers of a fresh tag.
 *
 * @since 0.1.0
 */
import { zerosLike } from '../create.js'
import { type Tensor, traced, traceOf } from '../Tensor.js'
import { flatten, type Tree, unflatten } from '../Tree.js'
import { checkLike, primalAt } from './args.js'
import { withTag } from './Tag.js'

/**
 * `[f(...primals), J·tangents]`: the value of `f` and its Jacobian applied to `tangents`.
 * `primals` and `tangents` are tuples of trees of the same structure, shapes and dtypes (each
 * tangent has the shape of its primal); the result has the structure of `f`'s output.
 *
 * @example
 * const [y, dy] = jvp((x) => tanh(x), [x], [ones([3])]) // dy = 1 − tanh²(x)
 *
 * @category transformations
 * @since 0.1.0
 */
export const jvp = <A extends readonly Tree[], O extends Tree>(f: (...args: A) => O, primals: A, tangents: A): [O, O] => {
  checkLike('jvp', 'tangents', 'primals', primals, tangents)
  return withTag('jvp', (tag) => {
    const [ps, def] = flatten(primals, 'primals')
    const [ts] = flatten(tangents, 'tangents')
    const duals = ps.map((primal, i) => traced({ kind: 'dual', tag, primal, tangent: ts[i] ?? zerosLike(primal) }))
    const out = f(...(unflatten(def, duals) as A))
    const [os, outDef] = flatten(out, 'output')
    const outPrimals = os.map((o) => primalAt(tag, o))
    const outTangents = os.map((o, i): Tensor => {
      const tr = traceOf(o)
      return tr !== undefined && tr.tag === tag && tr.kind === 'dual' ? tr.tangent : zerosLike(outPrimals[i] ?? o)
    })
    return [unflatten(outDef, outPrimals) as O, unflatten(outDef, outTangents) as O]
  })
}
