/**
 * Every configuration, enumerated: the cross product of the discrete options of `rnnProblem`
 * (`rnnProblemGrid` of `@recur/testing`: 6 cell kinds — RNN tanh and relu, LSTM without and with
 * `projSize`, GRU reset-after and reset-before — × 1–3 layers × bidirectional × bias × batchFirst ×
 * unbatched / batched / batched with `lengths` × zero or given initial states = 864 configurations,
 * at inputSize 2, hiddenSize 3, projSize 2, L 4, N 2), each checked in float64 on `cpu` for
 *
 * - the shape law (`rnnLayerLaws(...).shapes`): output, h_n and c_n shapes and dtypes;
 * - the gradient law (`rnnGradientCheck`): reverse mode vs central differences for every input
 *   leaf — the input, the given initial states and every parameter — and forward mode vs reverse
 *   mode, ⟨u, J·v⟩ = ⟨Jᵀu, v⟩, for output, h_n and c_n together (tolerances documented in
 *   `packages/testing/src/laws/rnn/gradient.ts`).
 *
 * One test per cell kind and layer count (48 configurations each), listing every failure; then
 * two layers whose values are right but whose gradients are cut (stopGradient on h0, on
 * weight_hh_l0) must be rejected with the leaf named, and the same law runs as a fast-check
 * property over generated problems. The log line gives the grid's run time and the worst
 * error/tolerance ratio seen by each gradient check.
 */

import { cpu } from '@recur/backend-cpu'
import { stopGradient, zeros } from '@recur/core'
import {
  type RecurrentLayer,
  type RnnProblem,
  rnnCellKinds,
  rnnGradientCheck,
  rnnGradientLaw,
  rnnGradientReport,
  rnnLayerLaws,
  rnnProblemGrid,
} from '@recur/testing'
import { describe, expect, it } from 'vitest'
import { type Config, config, initParams, run } from '../src/index.js'

const layer: RecurrentLayer<Config> = { config, initParams, run }
const place = { backend: cpu, dtype: 'float64' } as const
const shapes = rnnLayerLaws(layer, { place }).shapes
const grid = rnnProblemGrid()
const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
process.stdout.write(`every RNN configuration: generated-problem check with seed ${seed}\n`)
/** Milliseconds spent on the grid's 864 checks. */
let gridMs = 0
/** The largest error / tolerance seen by each gradient check (≤ 1 passes). */
const worst = { finiteDifferences: 0, transpose: 0 }

const kindName = (p: RnnProblem): string =>
  `${p.config.mode}${p.config.projSize > 0 ? ' projSize' : ''}${p.config.mode === 'GRU' ? (p.config.resetAfter ? ' reset-after' : ' reset-before') : ''}`

describe('every RNN configuration: shapes and gradients', () => {
  it('covers the whole cross product', () => {
    expect(grid).toHaveLength(rnnCellKinds.length * 3 * 2 * 2 * 2 * 3 * 2)
    expect(new Set(grid.map((p) => JSON.stringify([p.config, p.batch, p.lengths !== undefined, p.h0 !== undefined]))).size).toBe(
      864,
    )
  })
  const groups = new Map<string, RnnProblem[]>()
  for (const p of grid) {
    const key = `${kindName(p)}, ${p.config.numLayers} layer${p.config.numLayers > 1 ? 's' : ''}`
    groups.set(key, [...(groups.get(key) ?? []), p])
  }
  for (const [name, problems] of groups) {
    it(`${name} (${problems.length} configurations)`, () => {
      const started = Date.now()
      const failures = problems.flatMap((p) => {
        const shape = shapes.check(p)
        if (shape !== undefined) return [shape]
        const r = rnnGradientReport(layer, p, { place })
        worst.finiteDifferences = Math.max(worst.finiteDifferences, r.finiteDifferenceRatio)
        worst.transpose = Math.max(worst.transpose, r.transposeRatio)
        return r.message === undefined ? [] : [r.message]
      })
      gridMs += Date.now() - started
      expect(failures).toEqual([])
    })
  }
  it('rejects layers whose gradients are wrong, naming the leaf', () => {
    // wrappers of `run` whose values are right but whose gradients are cut
    const cutH0: RecurrentLayer<Config> = {
      ...layer,
      run: (c, p, x, o) => run(c, p, x, o.h0 === undefined ? o : { ...o, h0: stopGradient(o.h0) }),
    }
    const cutWeight: RecurrentLayer<Config> = {
      ...layer,
      run: (c, p, x, o) => run(c, { ...p, weight_hh_l0: stopGradient(p.weight_hh_l0 ?? zeros([1])) }, x, o),
    }
    const some = grid.filter((p) => p.h0 !== undefined).filter((_, i) => i % 37 === 0)
    expect(some.length).toBeGreaterThan(10)
    for (const p of some) {
      expect(rnnGradientCheck(cutH0, p, { place })).toContain('along inputs.h0:')
      expect(rnnGradientCheck(cutWeight, p, { place })).toContain('along inputs.params.weight_hh_l0:')
    }
  })
  it('runs as a fast-check property over generated problems', () => {
    expect(rnnGradientLaw(layer, { place }).findCounterexample({ seed, numRuns: 20 })).toBeUndefined()
  })
  it('reports its run time', () => {
    const seconds = (gridMs / 1000).toFixed(1)
    const ratios = `worst error/tolerance: central differences ${worst.finiteDifferences.toExponential(2)}, jvp vs vjp ${worst.transpose.toExponential(2)}`
    process.stdout.write(`every RNN configuration: ${grid.length} configurations in ${seconds} s; ${ratios}\n`)
    expect(worst.finiteDifferences).toBeGreaterThan(0)
  })
})
