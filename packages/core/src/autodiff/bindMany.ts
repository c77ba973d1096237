/**
 * `bindMany`: `bind` for primitives with several results (the fused cell primitives: an LSTM step
 * gives h and c; `unstack`, whose pullback is one `stack` instead of a padded copy of the whole
 * input per slice), so that no result has to be sliced out of a concatenation. The same three
 * interpreters as `bind`, over a tuple:
 *
 * - eval: check the shape rule, run the kernel, wrap each result;
 * - forward mode: run the primitive on the primals, its JVP rule gives one tangent per result;
 * - reverse mode: run the primitive on the primals and record ONE node with one output per result
 *   (the graph already supports that; `checkpoint` records such nodes too), whose backward closure
 *   applies the VJP rule to the results' cotangents.
 *
 * The rules live in `primitives/multi.ts` (a closed union and a complete table, like `bind`'s).
 *
 * @since 0.1.0
 */
import type { MultiPrimitiveName, MultiPrimitiveParams } from '../primitives/multi.js'
import { multiRulesTable } from '../primitives/multi.js'
import { orThrow } from '../Shape.js'
import { fromKernel, operand, type Tensor, traced } from '../Tensor.js'
import { parentsOf, tangentsOf, unwrap } from './bind.js'
import { type Node, nextNodeId } from './Trace.js'

const evaluate = <P extends MultiPrimitiveName>(
  prim: P,
  inputs: readonly Tensor[],
  params: MultiPrimitiveParams[P],
): Tensor[] => {
  const rule = multiRulesTable()[prim]
  const first = inputs[0]
  if (first === undefined) throw new Error(`${prim}: no inputs`)
  const shapes = orThrow(
    rule.shapes(
      inputs.map((x) => x.shape),
      params,
    ),
  )
  const data = rule.impl(first.backend, inputs.map(operand), params, shapes)
  if (data.length !== shapes.length)
    throw new TypeError(
      `backend '${first.backend.name}' broke the kernel contract in '${prim}': returned ${data.length} results, expected ${shapes.length}`,
    )
  return shapes.map((s, i) => fromKernel(first.backend, prim, s, first.dtype, data[i] ?? []))
}

/**
 * Applies the multi-result primitive `prim` to `inputs`; returns its results in order.
 *
 * @category interpreters
 * @since 0.1.0
 */
export const bindMany = <P extends MultiPrimitiveName>(
  prim: P,
  given: readonly Tensor[],
  params: MultiPrimitiveParams[P],
): Tensor[] => {
  const t = unwrap(prim, given)
  if (t.tag === undefined) return evaluate(prim, t.inputs, params)
  const { tag, own, primals } = t
  const outs = bindMany(prim, primals, params)
  if (tag.kind === 'jvp') {
    const tangents = tangentsOf(own)
    if (tangents === undefined) return outs
    const ts = multiRulesTable()[prim].jvp(primals, tangents, outs, params)
    return outs.map((primal, i) => {
      const tangent = ts[i]
      return tangent === undefined ? primal : traced({ kind: 'dual', tag, primal, tangent })
    })
  }
  const parents = parentsOf(own)
  if (parents === undefined) return outs
  const node: Node = {
    id: nextNodeId(),
    outputs: outs.length,
    inputs: parents,
    backward: (cts) => (cts.every((c) => c === undefined) ? [] : multiRulesTable()[prim].vjp(cts, primals, outs, params)),
  }
  return outs.map((primal, index) => traced({ kind: 'tape', tag, primal, ref: { node, index } }))
}
