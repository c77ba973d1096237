/**
 * What a traced tensor carries: its tag, its primal (a value one level down, possibly traced by an
 * outer transformation), and either a tangent (forward mode) or a node of the backward graph
 * (reverse mode).
 *
 * @since 0.1.0
 */
import type { Tensor } from '../Tensor.js'
import type { Tag } from './Tag.js'

/** A dual number of forward mode: primal + ε·tangent, ε belonging to `tag`. */
export interface Dual {
  readonly kind: 'dual'
  readonly tag: Tag
  readonly primal: Tensor
  readonly tangent: Tensor
}

/**
 * A node of the reverse-mode graph: one operation with `outputs` results. `backward` maps the
 * cotangents of its results (`undefined` = zero) to the cotangents of its inputs (`undefined`
 * where an input gets none). `inputs` point at the results that fed it (`undefined` for
 * constants). Leaves (the differentiated arguments) have no inputs.
 */
export interface Node {
  readonly id: number
  readonly outputs: number
  readonly inputs: readonly (NodeRef | undefined)[]
  readonly backward: (cotangents: readonly (Tensor | undefined)[]) => readonly (Tensor | undefined)[]
}

/** Result `index` of `node`. */
export interface NodeRef {
  readonly node: Node
  readonly index: number
}

/** A value recorded by reverse mode. */
export interface Taped {
  readonly kind: 'tape'
  readonly tag: Tag
  readonly primal: Tensor
  readonly ref: NodeRef
}

/** Either kind of trace. */
export type Trace = Dual | Taped

let nodes = 0

/** A fresh node id; ids grow in creation order, which is a topological order of the graph. */
export const nextNodeId = (): number => ++nodes
