/**
 * The RNN layer laws of `@recur/testing` (`rnnLayerLaws`) applied to `run`, in float64 on `cpu`,
 * over generated problems (`rnnProblem`: every mode, GRU `resetAfter` both ways, 1–3 layers,
 * bidirectional, bias, batch-first, LSTM projections, batched or not, `lengths` in any order,
 * given or zero initial states). They generalise the examples of `layer.test.ts`; the laws
 * themselves, and their tolerances, are documented in `packages/testing/src/laws/rnn/semantics.ts`
 * (exact where both sides run the same kernels on the same shapes; 1e-13 where one side runs on
 * fewer rows and the `cpu` matmul may sum in another order).
 *
 * Reproduce a run with FC_SEED=<seed printed below>; FC_RUNS sets the runs per law.
 */

import { test } from '@fast-check/vitest'
import { cpu } from '@recur/backend-cpu'
import { concat, slice, stack, type Tensor, unstack } from '@recur/core'
import { type PropertyLaw, type RecurrentLayer, type RnnRunOptions, rnnLayerLaws } from '@recur/testing'
import { describe, expect } from 'vitest'
import { type Config, config, initParams, outputSize, run } from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 500)
process.stdout.write(`rnn layer laws: seed ${seed}, ${numRuns} runs per law\n`)

/** `@recur/models` as the laws see it: it satisfies the structural interface as is. */
const layer: RecurrentLayer<Config> = { config, initParams, run }
const laws = rnnLayerLaws(layer, { place: { backend: cpu, dtype: 'float64' }, tolerance: 1e-13 })

const holds = <A>(law: PropertyLaw<A>): void =>
  test.prop([law.arbitrary], { seed, numRuns })(law.name, (a) => {
    expect(law.check(a)).toBeUndefined()
  })

describe('rnn layer laws', () => {
  holds(laws.shapes)
  holds(laws.batchIsSamples)
  holds(laws.paddingIsInert)
  holds(laws.forwardHalf)
  holds(laws.reverseHalf)
  holds(laws.stacking)
  holds(laws.chunking)
  holds(laws.lastValidOutput)
})

// ---------------------------------------------------------------------------------------------
// The laws reject broken layers: wrappers of `run` with one bug each (so nothing broken is ever
// committed to the models), each caught by the named laws within 300 runs.
// ---------------------------------------------------------------------------------------------

const rows = (t: Tensor): Tensor[] => unstack(t, 0)
const withoutLengths = (o: RnnRunOptions): RnnRunOptions => ({
  ...(o.h0 === undefined ? {} : { h0: o.h0 }),
  ...(o.c0 === undefined ? {} : { c0: o.c0 }),
})
const lastAxis = (t: Tensor, start: number, size: number): Tensor =>
  slice(
    t,
    t.shape.map((_, i) => (i === t.rank - 1 ? start : 0)),
    t.shape.map((d, i) => (i === t.rank - 1 ? size : d)),
  )
const mutant = (runBroken: RecurrentLayer<Config>['run']): RecurrentLayer<Config> => ({ config, initParams, run: runBroken })

const mutants: ReadonlyArray<readonly [string, RecurrentLayer<Config>, readonly (keyof typeof laws)[]]> = [
  [
    'the reverse direction ignores lengths',
    mutant((c, p, x, o) => {
      const r = run(c, p, x, o)
      if (!c.bidirectional || o.lengths === undefined) return r
      const r0 = run(c, p, x, withoutLengths(o))
      const H = outputSize(c)
      const pick = (a: Tensor, b: Tensor) => stack(rows(a).map((row, i) => (i % 2 === 1 ? (rows(b)[i] ?? row) : row)))
      return {
        output: concat([lastAxis(r.output, 0, H), lastAxis(r0.output, H, H)], -1),
        h_n: pick(r.h_n, r0.h_n),
        ...(r.c_n === undefined || r0.c_n === undefined ? {} : { c_n: pick(r.c_n, r0.c_n) }),
      }
    }),
    ['reverseHalf', 'batchIsSamples', 'paddingIsInert'],
  ],
  [
    'h_n is taken at the last step, not the last valid one',
    mutant((c, p, x, o) => {
      const r = run(c, p, x, o)
      const r0 = run(c, p, x, withoutLengths(o))
      return { ...r, h_n: r0.h_n }
    }),
    ['lastValidOutput', 'batchIsSamples'],
  ],
  [
    'padded outputs are not zeroed',
    mutant((c, p, x, o) => ({ ...run(c, p, x, o), output: run(c, p, x, withoutLengths(o)).output })),
    ['batchIsSamples', 'paddingIsInert'],
  ],
  [
    "the layers' initial states are read in the wrong order",
    mutant((c, p, x, o) => {
      if (o.h0 === undefined || c.numLayers < 2) return run(c, p, x, o)
      const D = c.bidirectional ? 2 : 1
      const swap = (t: Tensor) =>
        concat(
          [...rows(t).slice(D), ...rows(t).slice(0, D)].map((row) => stack([row])),
          0,
        )
      return run(c, p, x, { ...o, h0: swap(o.h0) })
    }),
    ['stacking'],
  ],
  ['c0 is ignored', mutant((c, p, x, { c0: _, ...rest }) => run(c, p, x, rest)), ['chunking']],
  [
    'an unbatched h_n keeps its batch axis',
    mutant((c, p, x, o) => {
      const r = run(c, p, x, o)
      return x.rank === 2 ? { ...r, h_n: stack([r.h_n], 1) } : r
    }),
    ['shapes'],
  ],
]

describe('rnn layer laws reject broken layers', () => {
  for (const [name, broken, caughtBy] of mutants) {
    const brokenLaws = rnnLayerLaws(broken, { place: { backend: cpu, dtype: 'float64' }, tolerance: 1e-13 })
    for (const lawName of caughtBy) {
      test(`${name}: caught by '${lawName}'`, () => {
        const law = brokenLaws[lawName]
        const failure = law.findCounterexample({ seed, numRuns: 300 })
        expect(failure, `${name} passed '${law.name}'`).toContain(law.name)
      })
    }
  }
})
