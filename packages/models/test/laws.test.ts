/**
 * Laws of `run` on generated problems (`rnnProblem` from `@recur/testing`: every mode, GRU
 * `resetAfter` both ways, 1–3 layers, bidirectional, bias, batch-first, LSTM projections, batched
 * or not, `lengths` in any order, given or zero initial states), in float64 on `cpu`. They
 * generalise the examples of `layer.test.ts`.
 *
 * Exactness: a law compares exactly (`===`, so ±0 are equal) when both sides run the same kernels
 * on the same shapes in the same order. When one side runs on fewer rows (one sample instead of
 * the batch, a chunk instead of the sequence), the `cpu` matmul may take another path (unpacked
 * dot products vs the blocked kernel) that sums in another order, so those laws allow 1e-13: a few
 * ulps per sum of ≤ 10 terms of size ≤ 1, carried through ≤ 6 steps of contractive or
 * 1/√H-scaled maps, stays far below it.
 *
 * Reproduce a run with FC_SEED=<seed printed below>; FC_RUNS sets the runs per law.
 */

import { fc, test } from '@fast-check/vitest'
import { cpu } from '@recur/backend-cpu'
import { concat, fromFlat, index, Random, type Shape, slice, stack, type Tensor, unstack } from '@recur/core'
import { type RnnData, type RnnProblem, rnnData, rnnProblem } from '@recur/testing'
import { describe, expect } from 'vitest'
import { type Config, config, initParams, type LayerParams, type Output, type RunOptions, run } from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 500)
process.stdout.write(`rnn layer laws: seed ${seed}, ${numRuns} runs per law\n`)

const o = { backend: cpu, dtype: 'float64' } as const
const tensor = (d: RnnData): Tensor => fromFlat(d.values, d.shape, o)

/** The tolerance of laws whose two sides sum in different orders (see the module header). */
const tol = 1e-13

// ---------------------------------------------------------------------------------------------
// problem → call
// ---------------------------------------------------------------------------------------------

interface Call {
  readonly c: Config
  readonly params: LayerParams
  readonly x: Tensor
  readonly h0: Tensor | undefined
  readonly c0: Tensor | undefined
  readonly lengths: readonly number[] | undefined
}

const setup = (p: RnnProblem): Call => {
  const c = config(p.config)
  return {
    c,
    params: initParams(c, Random.key(p.seed), o),
    x: tensor(p.input),
    h0: p.h0 === undefined ? undefined : tensor(p.h0),
    c0: p.c0 === undefined ? undefined : tensor(p.c0),
    lengths: p.lengths,
  }
}

/** Run options from possibly absent parts. */
const opts = (h0: Tensor | undefined, c0: Tensor | undefined, lengths?: readonly number[]): RunOptions => ({
  ...(h0 === undefined ? {} : { h0 }),
  ...(c0 === undefined ? {} : { c0 }),
  ...(lengths === undefined ? {} : { lengths }),
})

const runCall = (k: Call): Output => run(k.c, k.params, k.x, opts(k.h0, k.c0, k.lengths))

// ---------------------------------------------------------------------------------------------
// tensor helpers
// ---------------------------------------------------------------------------------------------

/** `size` entries of `axis` from `start`. */
const sliceAxis = (t: Tensor, axis: number, start: number, size: number): Tensor =>
  slice(
    t,
    t.shape.map((_, i) => (i === axis ? start : 0)),
    t.shape.map((d, i) => (i === axis ? size : d)),
  )

const flip = (t: Tensor, axis: number): Tensor => stack(unstack(t, axis).reverse(), axis)

const maybe = <A, B>(a: A | undefined, f: (a: A) => B): B | undefined => (a === undefined ? undefined : f(a))

/** The axis of time in input and output. */
const timeAxis = (c: Config, batched: boolean): number => (batched && c.batchFirst ? 1 : 0)
/** The axis of the batch in input and output (batched only). */
const batchAxis = (c: Config): number => (c.batchFirst ? 0 : 1)

/** The samples of a problem: `[undefined]` when unbatched, else `0..N-1`. */
const samples = (p: RnnProblem): (number | undefined)[] =>
  p.batch === undefined ? [undefined] : Array.from({ length: p.batch }, (_, n) => n)

/** Sample `n` of an input or output (`(L, ·)`), or the whole unbatched tensor. */
const sampleOf = (t: Tensor, c: Config, n: number | undefined): Tensor => (n === undefined ? t : index(t, n, batchAxis(c)))
/** Sample `n` of a state (`(D·numLayers, ·)`), or the whole unbatched state. */
const stateOf = (t: Tensor, n: number | undefined): Tensor => (n === undefined ? t : index(t, n, 1))

const lengthOf = (p: RnnProblem, n: number | undefined): number =>
  n === undefined ? p.seqLength : (p.lengths?.[n] ?? p.seqLength)

// ---------------------------------------------------------------------------------------------
// params helpers
// ---------------------------------------------------------------------------------------------

/** The params whose name `rename` maps to a new name (others are dropped). */
const renameParams = (params: LayerParams, rename: (name: string) => string | undefined): LayerParams =>
  Object.fromEntries(
    Object.entries(params).flatMap(([name, t]) => {
      const to = rename(name)
      return to === undefined ? [] : [[to, t]]
    }),
  )

/** Layer `from..` as layers `0..`, without the reverse direction when `direction` is 0, or only it (renamed forward) when 1. */
const layersFrom = (from: number, direction?: 0 | 1) => (name: string) => {
  const m = /^(.*)_l(\d+)(_reverse)?$/.exec(name)
  if (m === null) return undefined
  const [, base = '', layer = '0', reverse] = m
  if (Number(layer) < from) return undefined
  if (direction === 0 && reverse !== undefined) return undefined
  if (direction === 1 && reverse === undefined) return undefined
  return `${base}_l${Number(layer) - from}${direction === undefined ? (reverse ?? '') : ''}`
}

// ---------------------------------------------------------------------------------------------
// comparisons
// ---------------------------------------------------------------------------------------------

/** Exactly equal (`===`, so +0 equals −0), with the first difference in the message. */
const same = (got: Tensor, want: Tensor, what: string): void => {
  expect(got.shape, `${what}: shape`).toEqual(want.shape)
  const g = got.toFlat()
  const w = want.toFlat()
  const at = g.findIndex((v, i) => v !== w[i])
  expect(at === -1 ? undefined : { at, got: g[at], want: w[at] }, what).toBeUndefined()
}

/** Equal within {@link tol}, with the worst difference in the message. */
const close = (got: Tensor, want: Tensor, what: string): void => {
  expect(got.shape, `${what}: shape`).toEqual(want.shape)
  const g = got.toFlat()
  const w = want.toFlat()
  const at = g.findIndex((v, i) => !(Math.abs(v - (w[i] ?? Number.NaN)) <= tol))
  expect(at === -1 ? undefined : { at, got: g[at], want: w[at] }, what).toBeUndefined()
}

const sameStates = (got: Output, want: Output, what: string, cmp: typeof same): void => {
  cmp(got.h_n, want.h_n, `${what}: h_n`)
  expect(got.c_n === undefined, `${what}: c_n presence`).toBe(want.c_n === undefined)
  if (got.c_n !== undefined && want.c_n !== undefined) cmp(got.c_n, want.c_n, `${what}: c_n`)
}

// ---------------------------------------------------------------------------------------------
// laws
// ---------------------------------------------------------------------------------------------

describe('rnn layer laws', () => {
  test.prop([rnnProblem()], { seed, numRuns })('output and state shapes are the documented functions of the config', (p) => {
    const r = runCall(setup(p))
    const { bidirectional, numLayers, projSize, hiddenSize, batchFirst, mode } = p.config
    const D = bidirectional ? 2 : 1
    const hOut = projSize > 0 ? projSize : hiddenSize
    const L = p.seqLength
    const N = p.batch
    const state = (size: number): Shape => (N === undefined ? [D * numLayers, size] : [D * numLayers, N, size])
    expect(r.output.shape).toEqual(N === undefined ? [L, D * hOut] : batchFirst ? [N, L, D * hOut] : [L, N, D * hOut])
    expect(r.h_n.shape).toEqual(state(hOut))
    expect(r.c_n?.shape).toEqual(mode === 'LSTM' ? state(hiddenSize) : undefined)
    expect([r.output.dtype, r.h_n.dtype]).toEqual(['float64', 'float64'])
  })

  test.prop([rnnProblem({ batched: true })], { seed, numRuns })(
    'a batch equals its samples run one by one, each truncated to its length',
    (p) => {
      // tolerance: a sample runs its matmuls on fewer rows than the batch (see the module header)
      const k = setup(p)
      const r = runCall(k)
      for (const n of samples(p)) {
        const len = lengthOf(p, n)
        const alone = run(
          k.c,
          k.params,
          sliceAxis(sampleOf(k.x, k.c, n), 0, 0, len),
          opts(
            maybe(k.h0, (h) => stateOf(h, n)),
            maybe(k.c0, (c) => stateOf(c, n)),
          ),
        )
        const mine = sampleOf(r.output, k.c, n)
        close(sliceAxis(mine, 0, 0, len), alone.output, `sample ${n}: output`)
        const padded = sliceAxis(mine, 0, len, p.seqLength - len).toFlat()
        expect(
          padded.every((v) => v === 0),
          `sample ${n}: padded outputs are zero`,
        ).toBe(true)
        sameStates(
          { output: mine, h_n: stateOf(r.h_n, n), ...(r.c_n === undefined ? {} : { c_n: stateOf(r.c_n, n) }) },
          alone,
          `sample ${n}`,
          close,
        )
      }
    },
  )

  const withPadding = rnnProblem({ lengths: true }).chain((p) =>
    rnnData(p.input.shape).map((noise) => ({ p, noise: noise.values })),
  )
  test.prop([withPadding], { seed, numRuns })('padding beyond lengths changes nothing', ({ p, noise }) => {
    // exact: same shapes, and every valid step reads only valid inputs
    const k = setup(p)
    const [, B = 0, I = 0] = p.input.shape
    const padded = p.input.values.map((v, i) => {
      const [t, n] = k.c.batchFirst
        ? [Math.floor(i / I) % B, Math.floor(i / (B * I))]
        : [Math.floor(i / (B * I)), Math.floor(i / I) % B]
      return t < (p.lengths?.[n] ?? p.seqLength) ? v : (noise[i] ?? 0)
    })
    const r = runCall(k)
    const r2 = runCall({ ...k, x: fromFlat(padded, p.input.shape, o) })
    same(r2.output, r.output, 'output')
    sameStates(r2, r, 'final state', same)
  })

  test.prop([rnnProblem({ bidirectional: true, maxLayers: 1 })], { seed, numRuns })(
    "a bidirectional layer's forward half is the unidirectional layer with its forward weights",
    (p) => {
      // exact: the forward direction runs the same kernels on the same shapes
      const k = setup(p)
      const r = runCall(k)
      const hOut = r.h_n.shape[r.h_n.rank - 1] ?? 0
      const first = (t: Tensor): Tensor => sliceAxis(t, 0, 0, 1)
      const u = run(
        config({ ...p.config, bidirectional: false }),
        renameParams(k.params, layersFrom(0, 0)),
        k.x,
        opts(maybe(k.h0, first), maybe(k.c0, first), k.lengths),
      )
      same(sliceAxis(r.output, r.output.rank - 1, 0, hOut), u.output, 'output')
      sameStates(
        { output: r.output, h_n: first(r.h_n), ...(r.c_n === undefined ? {} : { c_n: first(r.c_n) }) },
        u,
        'final state',
        same,
      )
    },
  )

  test.prop([rnnProblem({ bidirectional: true, maxLayers: 1 })], { seed, numRuns })(
    "the reverse half is the forward run of each sample's valid steps reversed",
    (p) => {
      // tolerance: each sample runs alone, on fewer rows than the batch (see the module header)
      const k = setup(p)
      const r = runCall(k)
      const hOut = r.h_n.shape[r.h_n.rank - 1] ?? 0
      const uni = config({ ...p.config, bidirectional: false })
      const reverseParams = renameParams(k.params, layersFrom(0, 1))
      const second = (t: Tensor): Tensor => sliceAxis(t, 0, 1, 1)
      for (const n of samples(p)) {
        const len = lengthOf(p, n)
        const u = run(
          uni,
          reverseParams,
          flip(sliceAxis(sampleOf(k.x, k.c, n), 0, 0, len), 0),
          opts(
            maybe(k.h0, (h) => second(stateOf(h, n))),
            maybe(k.c0, (c) => second(stateOf(c, n))),
          ),
        )
        const half = sliceAxis(sliceAxis(sampleOf(r.output, k.c, n), 0, 0, len), 1, hOut, hOut)
        close(flip(half, 0), u.output, `sample ${n}: output`)
        sameStates(
          {
            output: half,
            h_n: second(stateOf(r.h_n, n)),
            ...(r.c_n === undefined ? {} : { c_n: second(stateOf(r.c_n, n)) }),
          },
          u,
          `sample ${n}`,
          close,
        )
      }
    },
  )

  test.prop([rnnProblem({ minLayers: 2, maxLayers: 3 })], { seed, numRuns })(
    'numLayers = k is layer 0 followed by a stack of k − 1 layers',
    (p) => {
      // exact: the same kernels on the same shapes (the stack's input is layer 0's output as is)
      const k = setup(p)
      const r = runCall(k)
      const D = p.config.bidirectional ? 2 : 1
      const hOut = r.h_n.shape[r.h_n.rank - 1] ?? 0
      const rows = k.c.numLayers * D
      const head = (t: Tensor): Tensor => sliceAxis(t, 0, 0, D)
      const tail = (t: Tensor): Tensor => sliceAxis(t, 0, D, rows - D)
      const r1 = run(
        config({ ...p.config, numLayers: 1 }),
        renameParams(k.params, (name) => (/_l0(_reverse)?$/.test(name) ? name : undefined)),
        k.x,
        opts(maybe(k.h0, head), maybe(k.c0, head), k.lengths),
      )
      const r2 = run(
        config({ ...p.config, numLayers: p.config.numLayers - 1, inputSize: D * hOut }),
        renameParams(k.params, layersFrom(1)),
        r1.output,
        opts(maybe(k.h0, tail), maybe(k.c0, tail), k.lengths),
      )
      same(r.output, r2.output, 'output')
      sameStates(
        r,
        {
          output: r2.output,
          h_n: concat([r1.h_n, r2.h_n], 0),
          ...(r1.c_n === undefined || r2.c_n === undefined ? {} : { c_n: concat([r1.c_n, r2.c_n], 0) }),
        },
        'final state',
        same,
      )
    },
  )

  const chunked = fc.tuple(rnnProblem({ bidirectional: false, lengths: false, minSeqLength: 2 }), fc.nat())
  test.prop([chunked], { seed, numRuns })('two chunks threading the state equal one pass', ([p, split]) => {
    // tolerance: each chunk runs the input projection on fewer rows (see the module header)
    const k = setup(p)
    const r = runCall(k)
    const s = 1 + (split % (p.seqLength - 1))
    const axis = timeAxis(k.c, p.batch !== undefined)
    const a = run(k.c, k.params, sliceAxis(k.x, axis, 0, s), opts(k.h0, k.c0))
    const b = run(k.c, k.params, sliceAxis(k.x, axis, s, p.seqLength - s), opts(a.h_n, a.c_n))
    close(concat([a.output, b.output], axis), r.output, 'output')
    sameStates(b, r, 'final state', close)
  })

  test.prop([rnnProblem()], { seed, numRuns })(
    "h_n is the last layer's last valid output: forward at len − 1, reverse at 0",
    (p) => {
      // exact: a step's output is its new h (the projected h for LSTM with projSize)
      const k = setup(p)
      const r = runCall(k)
      const D = p.config.bidirectional ? 2 : 1
      const hOut = r.h_n.shape[r.h_n.rank - 1] ?? 0
      const last = (p.config.numLayers - 1) * D
      for (const n of samples(p)) {
        const out = sampleOf(r.output, k.c, n)
        const h = stateOf(r.h_n, n)
        same(sliceAxis(index(out, lengthOf(p, n) - 1, 0), 0, 0, hOut), index(h, last, 0), `sample ${n}: forward`)
        if (D === 2) same(sliceAxis(index(out, 0, 0), 0, hOut, hOut), index(h, last + 1, 0), `sample ${n}: reverse`)
      }
    },
  )
})
