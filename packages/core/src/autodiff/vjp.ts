/**
 * Reverse mode. `vjp(f, primals)` runs `f` on values recorded under a fresh tag, building a graph
 * of nodes whose backward closures apply the primitives' VJP rules. The returned pullback walks
 * that graph once, newest node first (creation order is a topological order), accumulating
 * cotangents. Because the VJP rules are themselves written in differentiable operations, the
 * pullback can be differentiated again by any enclosing transformation.
 *
 * @since 0.1.0
 */
import { zerosLike } from '../create.js'
import { add } from '../ops/elementwise.js'
import { type Tensor, traced, traceOf } from '../Tensor.js'
import { flatten, type Tree, unflatten } from '../Tree.js'
import { checkLike, primalAt } from './args.js'
import { freshTag } from './Tag.js'
import { type Node, type NodeRef, nextNodeId } from './Trace.js'

/**
 * Accumulates cotangents from `outputs` back through the graph; returns the cotangents that reach
 * the leaves (nodes with no inputs), by node. Each inner node's cotangents are released as soon as
 * its backward has run, so the pass holds only the cotangents still on their way.
 */
export const backprop = (outputs: readonly (readonly [NodeRef, Tensor])[]): Map<Node, (Tensor | undefined)[]> => {
  const cts = new Map<Node, (Tensor | undefined)[]>()
  const accumulate = (ref: NodeRef, ct: Tensor): void => {
    let slots = cts.get(ref.node)
    if (slots === undefined) {
      slots = new Array<Tensor | undefined>(ref.node.outputs).fill(undefined)
      cts.set(ref.node, slots)
    }
    const prev = slots[ref.index]
    slots[ref.index] = prev === undefined ? ct : add(prev, ct)
  }
  const seen = new Set<Node>()
  const order: Node[] = []
  const stack = outputs.map(([ref]) => ref.node)
  while (stack.length > 0) {
    const n = stack.pop()
    if (n === undefined || seen.has(n)) continue
    seen.add(n)
    order.push(n)
    for (const input of n.inputs) if (input !== undefined) stack.push(input.node)
  }
  order.sort((a, b) => b.id - a.id)
  for (const [ref, ct] of outputs) accumulate(ref, ct)
  for (const node of order) {
    const slots = cts.get(node)
    if (slots === undefined || node.inputs.length === 0) continue
    const grads = node.backward(slots)
    // a node's cotangents are spent once its backward has run: drop them now, not at the end
    cts.delete(node)
    node.inputs.forEach((input, i) => {
      const g = grads[i]
      if (input !== undefined && g !== undefined) accumulate(input, g)
    })
  }
  return cts
}

/**
 * `[f(...primals), pullback]`, where `pullback(cotangent)` is the cotangent pulled back to every
 * primal (Jᵀ·cotangent), with the structure, shapes and dtypes of `primals`. `cotangent` must
 * match `f`'s output. Arguments `f` does not depend on get zeros.
 *
 * @example
 * const [y, pullback] = vjp((w, x) => matmul(x, w), [w, x])
 * const [gw, gx] = pullback(onesLike(y))
 *
 * @category transformations
 * @since 0.1.0
 */
export const vjp = <A extends readonly Tree[], O extends Tree>(f: (...args: A) => O, primals: A): [O, (cotangent: O) => A] => {
  const [value, pullback] = vjpWithAux((...args: A) => [f(...args), []] as const, primals)
  return [value, pullback]
}

/**
 * {@link vjp} for an `f` that returns `[output, aux]`: `aux` (any tree, e.g. a recurrent state or
 * metrics) is returned as plain values and is not differentiated — JAX's `has_aux`. Returns
 * `[output, pullback, aux]`.
 *
 * @example
 * const [loss, pullback, finalState] = vjpWithAux((p) => lossAndState(p, batch), [params])
 *
 * @category transformations
 * @since 0.1.0
 */
export const vjpWithAux = <A extends readonly Tree[], O extends Tree, X extends Tree>(
  f: (...args: A) => readonly [O, X],
  primals: A,
): [O, (cotangent: O) => A, X] => {
  const tag = freshTag('vjp')
  const [ps, def] = flatten(primals, 'primals')
  const leaves: Node[] = ps.map(() => ({ id: nextNodeId(), outputs: 1, inputs: [], backward: () => [] }))
  let result: readonly [O, X]
  try {
    result = f(
      ...(unflatten(
        def,
        ps.map((primal, i) => traced({ kind: 'tape', tag, primal, ref: { node: leaves[i] as Node, index: 0 } })),
      ) as A),
    )
  } finally {
    tag.alive = false
  }
  const [out, auxOut] = result
  const [xs, auxDef] = flatten(auxOut, 'aux')
  const aux = unflatten(
    auxDef,
    xs.map((x) => primalAt(tag, x)),
  ) as X
  const [os, outDef] = flatten(out, 'output')
  const outPrimals = os.map((o) => primalAt(tag, o))
  const outRefs = os.map((o): NodeRef | undefined => {
    const tr = traceOf(o)
    return tr !== undefined && tr.tag === tag && tr.kind === 'tape' ? tr.ref : undefined
  })
  const value = unflatten(outDef, outPrimals) as O
  const pullback = (cotangent: O): A => {
    checkLike('vjp pullback', 'cotangent', 'output', value, cotangent)
    const [cs] = flatten(cotangent, 'cotangent')
    const seeds = outRefs.flatMap((ref, i): (readonly [NodeRef, Tensor])[] => {
      const c = cs[i]
      return ref === undefined || c === undefined ? [] : [[ref, c]]
    })
    const cts = backprop(seeds)
    return unflatten(
      def,
      ps.map((p, i) => cts.get(leaves[i] as Node)?.[0] ?? zerosLike(p)),
    ) as A
  }
  return [value, pullback, aux]
}
