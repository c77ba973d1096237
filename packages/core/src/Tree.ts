/**
 * Trees of tensors ("pytrees"): tensors nested in readonly arrays, tuples and plain records.
 * Transformations (`jvp`, `vjp`, `grad`, `scan`) take and return trees, and `map` keeps the type
 * of the tree, so gradients have the same type as parameters.
 *
 * Laws:
 * - `unflatten(def, leaves)` after `[leaves, def] = flatten(t)` rebuilds `t`.
 * - `map(t, x => x)` equals `t`; `map(map(t, f), g)` equals `map(t, x => g(f(x)))`.
 * - Leaves come in a fixed order: arrays by index, records by sorted key. `undefined` and `null`
 *   are empty subtrees (no leaves), so optional parameters such as a missing bias are allowed.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import { formatShape } from './ShapeError.js'
import { Tensor } from './Tensor.js'

/**
 * A tree of tensors.
 *
 * @category model
 * @since 0.1.0
 */
export type Tree = Tensor | undefined | null | readonly Tree[] | { readonly [key: string]: Tree }

/**
 * The structure of a tree without its leaves.
 *
 * @category model
 * @since 0.1.0
 */
export type TreeDef =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'none'; readonly value: undefined | null }
  | { readonly kind: 'array'; readonly items: readonly TreeDef[] }
  | { readonly kind: 'record'; readonly keys: readonly string[]; readonly items: readonly TreeDef[] }

const isRecord = (value: unknown): value is { readonly [key: string]: Tree } => {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Tensor) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** A tensor made by another copy of this module (e.g. source and compiled output both loaded). */
export const isForeignTensor = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !(value instanceof Tensor) &&
  value.constructor?.name === 'Tensor' &&
  'shape' in value &&
  'dtype' in value

const child = (path: string, key: string | number): string =>
  typeof key === 'number'
    ? `${path}[${key}]`
    : /^[A-Za-z_$][\w$]*$/.test(key)
      ? `${path}.${key}`
      : `${path}[${JSON.stringify(key)}]`

const describe = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'an array'
      : typeof value === 'object'
        ? `a ${value.constructor?.name ?? 'object'}`
        : `a ${typeof value}`

/**
 * Splits a tree into its leaves (in order) and its structure. Throws a `TypeError` naming the path
 * of anything that is not a tensor, array, plain record, `undefined` or `null`.
 *
 * @category destructors
 * @since 0.1.0
 */
export const flatten = (tree: Tree, root = 'tree'): [Tensor[], TreeDef] => {
  const leaves: Tensor[] = []
  const def = structure(tree, leaves)
  if (def === undefined) throw invalid(tree, root)
  return [leaves, def]
}

/** The structure of `node`, its leaves pushed to `leaves`; `undefined` at a node a tree cannot hold. */
const structure = (node: unknown, leaves: Tensor[]): TreeDef | undefined => {
  if (node instanceof Tensor) {
    leaves.push(node)
    return LEAF
  }
  if (node === undefined || node === null) return { kind: 'none', value: node }
  if (Array.isArray(node)) {
    const items: TreeDef[] = []
    for (const x of node) {
      const d = structure(x, leaves)
      if (d === undefined) return undefined
      items.push(d)
    }
    return { kind: 'array', items }
  }
  if (isRecord(node)) {
    const keys = Object.keys(node).sort()
    const items: TreeDef[] = []
    for (const k of keys) {
      const d = structure(node[k], leaves)
      if (d === undefined) return undefined
      items.push(d)
    }
    return { kind: 'record', keys, items }
  }
  return undefined
}

const LEAF: TreeDef = { kind: 'leaf' }

/** The error for the first node of `tree` that a tree cannot hold, named by its path (paths are built only here). */
const invalid = (tree: unknown, root: string): TypeError => {
  const go = (node: unknown, path: string): TypeError | undefined => {
    if (node instanceof Tensor || node === undefined || node === null) return undefined
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const e = go(node[i], child(path, i))
        if (e !== undefined) return e
      }
      return undefined
    }
    if (isRecord(node)) {
      for (const k of Object.keys(node).sort()) {
        const e = go(node[k], child(path, k))
        if (e !== undefined) return e
      }
      return undefined
    }
    if (isForeignTensor(node))
      return new TypeError(
        `${path} is a Tensor from another copy of @recur/core; two copies are loaded (dedupe your dependencies, or import every recur package from the same build)`,
      )
    return new TypeError(`${path} is ${describe(node)}; a tree holds only tensors, arrays, plain records, undefined and null`)
  }
  return go(tree, root) ?? new TypeError(`${root}: not a tree`)
}

/**
 * Rebuilds a tree from its structure and leaves (as many as the structure has).
 *
 * @category constructors
 * @since 0.1.0
 */
export const unflatten = (def: TreeDef, leaves: readonly Tensor[]): Tree => {
  let next = 0
  const go = (d: TreeDef): Tree => {
    switch (d.kind) {
      case 'leaf': {
        const leaf = leaves[next++]
        if (leaf === undefined) throw new RangeError(`unflatten: the structure has more leaves than the ${leaves.length} given`)
        return leaf
      }
      case 'none':
        return d.value
      case 'array':
        return d.items.map(go)
      case 'record':
        return Object.fromEntries(d.keys.map((k, i) => [k, go(d.items[i] ?? { kind: 'none', value: undefined })]))
    }
  }
  const out = go(def)
  if (next !== leaves.length) throw new RangeError(`unflatten: the structure has ${next} leaves but ${leaves.length} were given`)
  return out
}

/**
 * The leaves of a tree, in order.
 *
 * @category destructors
 * @since 0.1.0
 */
export const leaves = (tree: Tree): Tensor[] => flatten(tree)[0]

/**
 * The path of every leaf, in leaf order, e.g. `tree.layers[0].weight`.
 *
 * @category destructors
 * @since 0.1.0
 */
export const paths = (tree: Tree, root = 'tree'): string[] => pathsOf(flatten(tree, root)[1], root)

/**
 * Applies `f` to every leaf, keeping the structure (and the static type) of the tree.
 *
 * @category combinators
 * @since 0.1.0
 */
export const map = <T extends Tree>(tree: T, f: (leaf: Tensor, path: string) => Tensor): T => {
  const [ls, def] = flatten(tree)
  const ps = pathsOf(def, 'tree')
  return unflatten(
    def,
    ls.map((l, i) => f(l, ps[i] ?? '')),
  ) as T
}

const pathsOf = (def: TreeDef, root: string): string[] => {
  const out: string[] = []
  const go = (d: TreeDef, path: string): void => {
    if (d.kind === 'leaf') out.push(path)
    else if (d.kind === 'array') for (const [i, x] of d.items.entries()) go(x, child(path, i))
    else if (d.kind === 'record') for (const [i, x] of d.items.entries()) go(x, child(path, d.keys[i] ?? ''))
  }
  go(def, root)
  return out
}

/**
 * The first difference between two structures, as a message naming its path, or `undefined`.
 *
 * @category equality
 * @since 0.1.0
 */
export const structureDiff = (a: TreeDef, b: TreeDef, path = 'tree'): string | undefined => {
  if (a.kind !== b.kind) return `${path} is ${kindName(a)} in one tree and ${kindName(b)} in the other`
  if (a.kind === 'array' && b.kind === 'array') {
    if (a.items.length !== b.items.length)
      return `${path} has ${a.items.length} items in one tree and ${b.items.length} in the other`
    for (let i = 0; i < a.items.length; i++) {
      const d = structureDiff(a.items[i] ?? a, b.items[i] ?? b, child(path, i))
      if (d !== undefined) return d
    }
  }
  if (a.kind === 'record' && b.kind === 'record') {
    const missing = a.keys.filter((k) => !b.keys.includes(k))
    const extra = b.keys.filter((k) => !a.keys.includes(k))
    if (missing.length > 0 || extra.length > 0) {
      return `${path} has keys [${a.keys.join(', ')}] in one tree and [${b.keys.join(', ')}] in the other`
    }
    for (let i = 0; i < a.keys.length; i++) {
      const d = structureDiff(a.items[i] ?? a, b.items[i] ?? b, child(path, a.keys[i] ?? ''))
      if (d !== undefined) return d
    }
  }
  return undefined
}

const kindName = (d: TreeDef): string =>
  d.kind === 'leaf' ? 'a tensor' : d.kind === 'none' ? String(d.value) : d.kind === 'array' ? 'an array' : 'a record'

/**
 * Applies `f` to the leaves of two trees of the same structure, pairwise. Throws a `TypeError`
 * naming the first path where the structures differ.
 *
 * @category combinators
 * @since 0.1.0
 */
export const zipWith = <T extends Tree>(a: T, b: Tree, f: (x: Tensor, y: Tensor, path: string) => Tensor): T => {
  const [la, da] = flatten(a)
  const [lb, db] = flatten(b)
  const diff = structureDiff(da, db)
  if (diff !== undefined) throw new TypeError(`zipWith: trees differ: ${diff}`)
  const ps = pathsOf(da, 'tree')
  return unflatten(
    da,
    la.map((x, i) => f(x, lb[i] ?? x, ps[i] ?? '')),
  ) as T
}

/**
 * Checks that `next` has the structure, shapes and dtypes of `expected`; the `Left` names the
 * first path that differs. Used by `scan` to check the carry at every step.
 *
 * @category equality
 * @since 0.1.0
 */
export const sameType = (expected: Tree, next: Tree, root = 'tree'): E.Either<string, void> => {
  const [le, de] = flatten(expected, root)
  const [ln, dn] = flatten(next, root)
  const diff = structureDiff(de, dn, root)
  if (diff !== undefined) return E.left(diff)
  const ps = pathsOf(de, root)
  for (let i = 0; i < le.length; i++) {
    const x = le[i]
    const y = ln[i]
    if (x === undefined || y === undefined) continue
    if (x.shape.length !== y.shape.length || x.shape.some((d, j) => d !== y.shape[j])) {
      return E.left(`${ps[i]} changed shape from ${formatShape(x.shape)} to ${formatShape(y.shape)}`)
    }
    if (x.dtype !== y.dtype) return E.left(`${ps[i]} changed dtype from ${x.dtype} to ${y.dtype}`)
  }
  return E.right(undefined)
}
