/**
 * `scan`: a loop over the leading axis of its inputs, carrying state — the way recurrent cells run
 * over time. Its meaning is the reference loop:
 *
 * ```ts
 * // scan :: ((C, X) => [C, Y], C, X[T], opts) => [C, Y[T]]
 * let carry = init; const ys = []
 * for (const t of reverse ? [T-1, …, 0] : [0, …, T-1]) { [carry, ys[t]] = f(carry, xs[t]) }
 * return [carry, stack(ys)]
 * ```
 *
 * Since every operation in `f` is traced, reverse mode through `scan` is backpropagation through
 * time and forward mode carries tangents through time. Options build on that:
 * - `truncate: k` — truncated BPTT: the carry passes through `stopGradient` before steps k, 2k, …
 *   (counted in loop order), so gradients flow back at most k steps into the carry. Values are
 *   unchanged. `k ≥ T` is full BPTT.
 * - `checkpoint: s` (or `true` for s = ⌈√T⌉) — runs the loop in segments of `s` steps, each under
 *   `checkpoint`, so reverse mode keeps only segment-boundary carries and the outputs, and
 *   recomputes each segment in the backward pass.
 *
 * The carry's structure, shapes and dtypes are checked after every step; an error names the step
 * and the path that changed.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import { checkpoint as checkpointed } from './autodiff/checkpoint.js'
import { zeros } from './create.js'
import { stopGradient } from './ops/elementwise.js'
import { stack, unstack } from './ops/movement.js'
import type { Tensor } from './Tensor.js'
import { flatten, map, paths, sameType, type Tree, unflatten } from './Tree.js'

/**
 * Options of {@link scan}.
 *
 * @category model
 * @since 0.1.0
 */
export interface ScanOptions {
  /** Run from the last step to the first; `ys` stay in time order. */
  readonly reverse?: boolean
  /** The number of steps, needed when `xs` has no leaves; must agree with `xs` otherwise. */
  readonly length?: number
  /** Truncated BPTT: gradients flow back at most this many steps through the carry. */
  readonly truncate?: number
  /** Recompute segments of this many steps in the backward pass (`true`: ⌈√T⌉). */
  readonly checkpoint?: boolean | number
}

/** A step: the new carry and this step's output. */
export type Step<C extends Tree, X extends Tree, Y extends Tree> = (carry: C, x: X) => readonly [C, Y]

const positiveInt = (name: string, v: number | undefined): void => {
  if (v !== undefined && (!Number.isInteger(v) || v < 1))
    throw new RangeError(`scan: ${name} must be a positive integer, got ${v}`)
}

/** The number of steps, from `xs` leading axes and/or `options.length`, with precise errors. */
const stepsOf = (xLeaves: readonly Tensor[], xPaths: readonly string[], length: number | undefined): number => {
  let n = length
  let from = 'options.length'
  xLeaves.forEach((leaf, i) => {
    const path = xPaths[i] ?? 'xs'
    if (leaf.rank === 0) throw new TypeError(`scan: ${path} is a scalar; every leaf of xs needs a leading time axis`)
    const d = leaf.shape[0] ?? 0
    if (n !== undefined && d !== n) throw new TypeError(`scan: ${path} has ${d} steps along axis 0 but ${from} has ${n}`)
    n = d
    from = path
  })
  if (n === undefined) throw new TypeError('scan: xs has no tensors, so options.length must give the number of steps')
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`scan: length must be a non-negative integer, got ${n}`)
  return n
}

/**
 * Runs `f` over the leading axis of `xs`, threading `carry`. `xs` is a tree whose leaves all have
 * the same leading dimension T (time); `f` receives each leaf's slice at step t. Returns the final
 * carry and the step outputs stacked along a new leading axis of length T.
 *
 * @example
 * const [hT, hs] = scan((h, x) => { const h2 = tanh(add(matmul(x, wx), matmul(h, wh))); return [h2, h2] }, h0, xs)
 *
 * @category control flow
 * @since 0.1.0
 */
export const scan = <C extends Tree, X extends Tree, Y extends Tree>(
  f: Step<C, X, Y>,
  init: C,
  xs: X,
  options: ScanOptions = {},
): [C, Y] => {
  positiveInt('truncate', options.truncate)
  if (typeof options.checkpoint === 'number') positiveInt('checkpoint', options.checkpoint)
  const [xLeaves, xDef] = flatten(xs, 'xs')
  const T = stepsOf(xLeaves, paths(xs, 'xs'), options.length)
  flatten(init, 'init')
  const slices = xLeaves.map((l) => unstack(l))
  const xAt = (t: number): X =>
    unflatten(
      xDef,
      slices.map((s) => s[t] as Tensor),
    ) as X
  if (T === 0) return emptyScan(f, init, xDef, xLeaves)
  const order = Array.from({ length: T }, (_, i) => (options.reverse === true ? T - 1 - i : i))

  let firstY: Y | undefined
  const step = (carry: C, x: X, i: number): [C, Y] => {
    const input = options.truncate !== undefined && i > 0 && i % options.truncate === 0 ? map(carry, stopGradient) : carry
    const result = f(input, x)
    if (!Array.isArray(result) || result.length !== 2)
      throw new TypeError(`scan: step ${order[i]}: f must return a pair [carry, y]`)
    const [next, y] = result
    const same = sameType(init, next, 'carry')
    if (E.isLeft(same)) throw new TypeError(`scan: step ${order[i]}: the carry returned by f differs from init: ${same.left}`)
    firstY ??= y
    const ySame = sameType(firstY, y, 'y')
    if (E.isLeft(ySame)) throw new TypeError(`scan: step ${order[i]}: the output differs from step ${order[0]}'s: ${ySame.left}`)
    return [next, y]
  }
  const segment = (carry: C, seg: readonly X[], start: number): [C, Y[]] => {
    const ys: Y[] = []
    let c = carry
    seg.forEach((x, k) => {
      const [next, y] = step(c, x, start + k)
      c = next
      ys.push(y)
    })
    return [c, ys]
  }
  const size =
    options.checkpoint === true ? Math.ceil(Math.sqrt(T)) : options.checkpoint === false ? undefined : options.checkpoint
  let carry = init
  const ysInOrder: Y[] = []
  for (let start = 0; start < T; start += size ?? T) {
    const seg = order.slice(start, start + (size ?? T)).map(xAt)
    const [next, ys] =
      size === undefined ? segment(carry, seg, start) : checkpointed((c: C, s: readonly X[]) => segment(c, s, start))(carry, seg)
    carry = next
    ysInOrder.push(...ys)
  }
  const byTime = options.reverse === true ? [...ysInOrder].reverse() : ysInOrder
  return [carry, stackTrees(byTime)]
}

/** Stacks per-step output trees leaf by leaf along a new leading axis. */
const stackTrees = <Y extends Tree>(ys: readonly Y[]): Y => {
  const first = ys[0]
  const [leaves0, def] = flatten(first ?? null, 'y')
  const columns = ys.map((y) => flatten(y, 'y')[0])
  return unflatten(
    def,
    leaves0.map((_, j) => stack(columns.map((c) => c[j] as Tensor))),
  ) as Y
}

/** T = 0: the carry is `init`; the outputs are empty along time, with shapes from one trial step. */
const emptyScan = <C extends Tree, X extends Tree, Y extends Tree>(
  f: Step<C, X, Y>,
  init: C,
  xDef: ReturnType<typeof flatten>[1],
  xLeaves: readonly Tensor[],
): [C, Y] => {
  const x = unflatten(
    xDef,
    xLeaves.map((l) => zeros(l.shape.slice(1), { dtype: l.dtype, backend: l.backend })),
  ) as X
  const [, y] = f(init, x)
  return [init, map(y, (leaf) => zeros([0, ...leaf.shape], { dtype: leaf.dtype, backend: leaf.backend }))]
}
