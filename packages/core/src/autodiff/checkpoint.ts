/**
 * Gradient checkpointing: `checkpoint(f)` computes the same values and gradients as `f`, but under
 * reverse mode it records one node for the whole call instead of one per operation. The backward
 * pass runs `f` again from its saved inputs to get the intermediates it needs. Memory held between
 * the forward and backward passes drops to the call's inputs (the node keeps only the shapes of
 * its outputs); time grows by one forward pass of `f`.
 *
 * `f` may close over traced values (an RNN step closing over its weights is the usual case): they
 * are captured while `f` runs forward and become extra inputs of the recomputation, so they get
 * their gradients too. Under forward mode (or no transformation) `checkpoint(f)` is just `f`.
 *
 * @since 0.1.0
 */
import { zeros } from '../create.js'
import { abstractOf } from '../primitives/Rule.js'
import { type Tensor, traced, traceOf } from '../Tensor.js'
import { flatten, type Tree, unflatten } from '../Tree.js'
import { newest, rewriteInput, withRewrite } from './bind.js'
import { type Node, type NodeRef, nextNodeId } from './Trace.js'
import { vjp } from './vjp.js'

/**
 * `f`, recomputed in the backward pass instead of stored. `f` must be pure.
 *
 * @category transformations
 * @since 0.1.0
 */
export const checkpoint =
  <A extends readonly Tree[], O extends Tree>(f: (...args: A) => O): ((...args: A) => O) =>
  (...args: A): O => {
    const [leaves, def] = flatten(args, 'args')
    const top = newest('checkpoint', leaves.map(rewriteInput))
    if (top === undefined || top.kind !== 'tape') return f(...args)
    const tag = top.tag
    const primalArgs = unflatten(
      def,
      leaves.map((l) => {
        const tr = traceOf(l)
        return tr !== undefined && tr.tag === tag ? tr.primal : l
      }),
    ) as A
    const captured = new Set<Tensor>()
    const [outs, outDef] = withRewrite({ suspend: { tag, captured } }, () => {
      const [os, d] = flatten(f(...primalArgs), 'output')
      return [os.map(rewriteInput), d] as const
    })
    const implicit = [...captured]
    // the backward pass needs only the outputs' shapes (for zero cotangents), not their values
    const shells = outs.map(abstractOf)
    const refOf = (t: Tensor): NodeRef | undefined => {
      const tr = traceOf(t)
      return tr?.kind === 'tape' ? tr.ref : undefined
    }
    const node: Node = {
      id: nextNodeId(),
      outputs: outs.length,
      inputs: [...leaves.map((l) => (traceOf(l)?.tag === tag ? refOf(l) : undefined)), ...implicit.map(refOf)],
      backward: (cts) => {
        const closed = implicit.map((c) => traceOf(c)?.primal ?? c)
        const rerun = (as: A, fresh: readonly Tensor[]): O =>
          withRewrite({ substitute: new Map(implicit.map((c, i) => [c, fresh[i] ?? c])) }, () => f(...as))
        const [, pullback] = vjp(rerun, [primalArgs, closed])
        const [gArgs, gClosed] = pullback(
          unflatten(
            outDef,
            shells.map((o, i) => cts[i] ?? zeros(o.shape, { dtype: o.dtype, backend: o.backend })),
          ) as O,
        )
        return [...flatten(gArgs)[0], ...gClosed]
      },
    }
    return unflatten(
      outDef,
      outs.map((primal, index) => traced({ kind: 'tape', tag, primal, ref: { node, index } })),
    ) as O
  }
