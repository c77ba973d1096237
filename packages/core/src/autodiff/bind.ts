/**
 * `bind`: how every operation runs. It looks at the traces on its inputs:
 *
 * - none: **eval** — check the shape rule, run the kernel, wrap the result;
 * - the newest live tag is a `jvp` tag: **forward mode** — run the primitive on the primals (one
 *   level down, where outer transformations see it) and its JVP rule on the tangents;
 * - the newest live tag is a `vjp` tag: **reverse mode** — run the primitive on the primals and
 *   record a node whose backward closure applies the VJP rule.
 *
 * Inputs traced by older tags are constants to the newest tag; they are handled when the primal
 * computation reaches their own level. A retired tag means an escaped tracer, which throws.
 *
 * @since 0.1.0
 */

import type { PrimitiveName, PrimitiveParams } from '../primitives/Params.js'
import { type Linear, pullbackOf } from '../primitives/Rule.js'
import { rulesTable } from '../primitives/table.js'
import { orThrow } from '../Shape.js'
import { fromKernel, operand, type Tensor, traced, traceOf } from '../Tensor.js'
import { escapedTracer, type Tag } from './Tag.js'
import { type Node, type NodeRef, nextNodeId, type Trace } from './Trace.js'

const evaluate = <P extends PrimitiveName>(prim: P, inputs: readonly Tensor[], params: PrimitiveParams[P]): Tensor => {
  const rule = rulesTable()[prim]
  const first = inputs[0]
  if (first === undefined) throw new Error(`${prim}: no inputs`)
  const shape = orThrow(
    rule.shape(
      inputs.map((x) => x.shape),
      params,
    ),
  )
  const dtype =
    rule.dtype?.(
      inputs.map((x) => x.dtype),
      params,
    ) ?? first.dtype
  return fromKernel(first.backend, prim, shape, dtype, rule.impl(first.backend, inputs.map(operand), params, shape))
}

/**
 * Input rewriting for `checkpoint`'s closure conversion. While a checkpointed function runs
 * forward, its reverse-mode tag is *suspended*: a value of that tag reaching an operation (one
 * the function closed over) is replaced by its primal and remembered in `captured`. When it is
 * recomputed backward, *substitutions* map those remembered values to fresh differentiable leaves.
 */
export interface Rewrite {
  readonly suspend?: { readonly tag: Tag; readonly captured: Set<Tensor> }
  readonly substitute?: ReadonlyMap<Tensor, Tensor>
}

const rewrites: Rewrite[] = []

/** Runs `body` with `rewrite` applied to every operation's inputs. */
export const withRewrite = <A>(rewrite: Rewrite, body: () => A): A => {
  rewrites.push(rewrite)
  try {
    return body()
  } finally {
    rewrites.pop()
  }
}

/** Whether any rewrite is active (a checkpointed function is running forward or being recomputed). */
export const rewriting = (): boolean => rewrites.length > 0

/** Applies the active rewrites to one input (innermost first). */
export const rewriteInput = (x: Tensor): Tensor => {
  let v = x
  for (let i = rewrites.length - 1; i >= 0; i--) {
    const r = rewrites[i]
    const sub = r?.substitute?.get(v)
    if (sub !== undefined) v = sub
    const susp = r?.suspend
    const tr = traceOf(v)
    if (susp !== undefined && tr !== undefined && tr.tag === susp.tag) {
      susp.captured.add(v)
      v = tr.primal
    }
  }
  return v
}

/** The newest live trace among the inputs; throws on a retired one. */
export const newest = (prim: string, inputs: readonly Tensor[]): Trace | undefined => {
  let top: Trace | undefined
  for (const x of inputs) {
    const tr = traceOf(x)
    if (tr === undefined) continue
    if (!tr.tag.alive) throw escapedTracer(prim, tr.tag)
    if (top === undefined || tr.tag.id > top.tag.id) top = tr
  }
  return top
}

/**
 * The inputs of one application (after the active rewrites) split by the newest live tag: its
 * own traces, and the primals that the operation runs on one level down. `tag` is absent when no
 * input is traced. `bind` and `bindMany` share it.
 */
export const unwrap = (
  prim: string,
  given: readonly Tensor[],
):
  | { readonly tag: undefined; readonly inputs: readonly Tensor[] }
  | { readonly tag: Trace['tag']; readonly own: readonly (Trace | undefined)[]; readonly primals: readonly Tensor[] } => {
  const inputs = rewrites.length === 0 ? given : given.map(rewriteInput)
  const top = newest(prim, inputs)
  if (top === undefined) return { tag: undefined, inputs }
  const tag = top.tag
  const own = inputs.map((x) => {
    const tr = traceOf(x)
    return tr !== undefined && tr.tag === tag ? tr : undefined
  })
  return { tag, own, primals: inputs.map((x, i) => own[i]?.primal ?? x) }
}

/** The tangents of the own traces (forward mode), or `undefined` when all are zero. */
export const tangentsOf = (own: readonly (Trace | undefined)[]): Linear[] | undefined => {
  const tangents: Linear[] = own.map((tr) => (tr?.kind === 'dual' ? tr.tangent : undefined))
  return tangents.every((t) => t === undefined) ? undefined : tangents
}

/** The graph nodes of the own traces (reverse mode), or `undefined` when none is recorded. */
export const parentsOf = (own: readonly (Trace | undefined)[]): (NodeRef | undefined)[] | undefined => {
  const parents: (NodeRef | undefined)[] = own.map((tr) => (tr?.kind === 'tape' ? tr.ref : undefined))
  return parents.every((p) => p === undefined) ? undefined : parents
}

/**
 * Applies primitive `prim` to `inputs`. All operations are built on this.
 *
 * @category interpreters
 * @since 0.1.0
 */
export const bind = <P extends PrimitiveName>(prim: P, given: readonly Tensor[], params: PrimitiveParams[P]): Tensor => {
  const t = unwrap(prim, given)
  if (t.tag === undefined) return evaluate(prim, t.inputs, params)
  const { tag, own, primals } = t
  const out = bind(prim, primals, params)
  if (tag.kind === 'jvp') {
    const tangents = tangentsOf(own)
    if (tangents === undefined) return out
    const tangent = rulesTable()[prim].jvp(primals, tangents, out, params)
    return tangent === undefined ? out : traced({ kind: 'dual', tag, primal: out, tangent })
  }
  const parents = parentsOf(own)
  if (parents === undefined) return out
  const pullback = pullbackOf(rulesTable()[prim], primals, out, params)
  const node: Node = {
    id: nextNodeId(),
    outputs: 1,
    inputs: parents,
    backward: ([ct]) => (ct === undefined ? [] : pullback(ct)),
  }
  return traced({ kind: 'tape', tag, primal: out, ref: { node, index: 0 } })
}
