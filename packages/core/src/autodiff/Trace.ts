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
 * A node of the reverse-mode graph. `backward` maps the cotangent of this node's value to the
 * cotangents of its inputs (`undefined` where an input gets none); `inputs` are those inputs'
 * nodes (`undefined` for constants). Leaves have no inputs and know their position.
 */
export interface Node {
  readonly id: number
  readonly inputs: readonly (Node | undefined)[]
  readonly backward: (cotangent: Tensor) => readonly (Tensor | undefined)[]
  readonly leaf?: number
}

/** A value recorded by reverse mode. */
export interface Taped {
  readonly kind: 'tape'
  readonly tag: Tag
  readonly primal: Tensor
  readonly node: Node
}

/** Either kind of trace. */
export type Trace = Dual | Taped

let nodes = 0

/** A fresh node id; ids grow in creation order, which is a topological order of the graph. */
export const nextNodeId = (): number => ++nodes
