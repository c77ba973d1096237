/**
 * Taking layer calls apart for the RNN laws: axes, samples, directions and layers of inputs,
 * outputs, states and parameters (by PyTorch's names), and comparisons that return a message
 * naming the worst difference instead of throwing.
 *
 * @since 0.1.0
 */
import { index, slice, stack, type Tensor, unstack } from '@recur/core'
import type { RnnProblem } from '../../arbitraries/rnn.js'
import type { RnnOutput, RnnParams } from './layer.js'

/** `size` entries of `axis` from `start`. */
export const sliceAxis = (t: Tensor, axis: number, start: number, size: number): Tensor =>
  slice(
    t,
    t.shape.map((_, i) => (i === axis ? start : 0)),
    t.shape.map((d, i) => (i === axis ? size : d)),
  )

/** `t` reversed along `axis`. */
export const flip = (t: Tensor, axis: number): Tensor => stack(unstack(t, axis).reverse(), axis)

/** `f(a)`, or `undefined` when `a` is. */
export const maybe = <A, B>(a: A | undefined, f: (a: A) => B): B | undefined => (a === undefined ? undefined : f(a))

/** The axis of time in input and output. */
export const timeAxis = (p: RnnProblem): number => (p.batch !== undefined && p.config.batchFirst ? 1 : 0)

/** The samples of a problem: `[undefined]` when unbatched, else `0..N-1`. */
export const samples = (p: RnnProblem): (number | undefined)[] =>
  p.batch === undefined ? [undefined] : Array.from({ length: p.batch }, (_, n) => n)

/** Sample `n` of an input or output, as `(L, ·)`; the whole tensor when unbatched. */
export const sampleOf = (t: Tensor, p: RnnProblem, n: number | undefined): Tensor =>
  n === undefined ? t : index(t, n, p.config.batchFirst ? 0 : 1)

/** Sample `n` of a state `(D·numLayers, N, ·)`; the whole state when unbatched. */
export const stateOf = (t: Tensor, n: number | undefined): Tensor => (n === undefined ? t : index(t, n, 1))

/** The valid length of sample `n`. */
export const lengthOf = (p: RnnProblem, n: number | undefined): number =>
  n === undefined ? p.seqLength : (p.lengths?.[n] ?? p.seqLength)

/** The size of a step's output per direction: `projSize` or `hiddenSize`. */
export const outputSizeOf = (p: RnnProblem): number => (p.config.projSize > 0 ? p.config.projSize : p.config.hiddenSize)

/** The params whose name `rename` maps to a new name (others are dropped). */
export const renameParams = (params: RnnParams, rename: (name: string) => string | undefined): RnnParams =>
  Object.fromEntries(
    Object.entries(params).flatMap(([name, t]) => {
      const to = rename(name)
      return to === undefined ? [] : [[to, t]]
    }),
  )

/**
 * Layers `from..` renamed as layers `0..`; with `direction` 0 only the forward direction, with 1
 * only the reverse one, renamed as forward.
 */
export const layersFrom =
  (from: number, direction?: 0 | 1) =>
  (name: string): string | undefined => {
    const m = /^(.*)_l(\d+)(_reverse)?$/.exec(name)
    if (m === null) return undefined
    const [, base = '', layer = '0', reverse] = m
    if (Number(layer) < from) return undefined
    if (direction === 0 && reverse !== undefined) return undefined
    if (direction === 1 && reverse === undefined) return undefined
    return `${base}_l${Number(layer) - from}${direction === undefined ? (reverse ?? '') : ''}`
  }

/** Only layer 0 (both directions), names unchanged. */
export const firstLayer = (name: string): string | undefined => (/_l0(_reverse)?$/.test(name) ? name : undefined)

const flatIndex = (i: number, shape: readonly number[]): string => {
  const idx: number[] = []
  let rest = i
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] ?? 1
    idx.unshift(rest % n)
    rest = Math.floor(rest / n)
  }
  return `[${idx.join(', ')}]`
}

/**
 * `got` equals `want` within `tol` element by element (`tol` 0: `===`, so +0 equals −0); else a
 * message with the shapes or the worst element.
 */
export const compare = (got: Tensor, want: Tensor, what: string, tol: number): string | undefined => {
  if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i]))
    return `${what}: shape [${got.shape.join(', ')}], expected [${want.shape.join(', ')}]`
  const g = got.toFlat()
  const w = want.toFlat()
  let worst: { at: number; diff: number } | undefined
  g.forEach((v, i) => {
    const u = w[i] ?? Number.NaN
    if (v === u) return
    const d = Math.abs(v - u)
    const diff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d
    if (diff > tol && (worst === undefined || diff > worst.diff)) worst = { at: i, diff }
  })
  if (worst === undefined) return undefined
  const { at, diff } = worst
  return `${what}${flatIndex(at, got.shape)} is ${g[at]}, expected ${w[at]} (|Δ| = ${diff}, tolerance ${tol})`
}

/** `h_n` and `c_n` of two outputs agree (and `c_n` is present in both or neither). */
export const compareStates = (
  got: Pick<RnnOutput, 'h_n' | 'c_n'>,
  want: Pick<RnnOutput, 'h_n' | 'c_n'>,
  what: string,
  tol: number,
): string | undefined => {
  const h = compare(got.h_n, want.h_n, `${what} h_n`, tol)
  if (h !== undefined) return h
  if ((got.c_n === undefined) !== (want.c_n === undefined))
    return `${what} c_n is ${got.c_n === undefined ? 'absent' : 'present'} but expected ${want.c_n === undefined ? 'absent' : 'present'}`
  return got.c_n === undefined || want.c_n === undefined ? undefined : compare(got.c_n, want.c_n, `${what} c_n`, tol)
}

/** The first message of a list of checks run in order (later ones are not run). */
export const firstFailure = (...checks: readonly (() => string | undefined)[]): string | undefined => {
  for (const check of checks) {
    const failure = check()
    if (failure !== undefined) return failure
  }
  return undefined
}
