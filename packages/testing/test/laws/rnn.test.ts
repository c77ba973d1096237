/**
 * The kit's RNN and scan laws, run the way a user runs them: on a layer written outside
 * `@recur/models` (an Elman RNN from core operations, `./elman.ts`), on the reference backend.
 * The laws must hold for a correct layer and reject broken ones; the grid must be the whole cross
 * product. (`@recur/models` runs the same laws in `packages/models/test/laws.test.ts` and
 * `everyConfig.test.ts`.)
 */
import { fc, test } from '@fast-check/vitest'
import { concat, index, slice, stack, type Tensor, unstack } from '@recur/core'
import { describe, expect, it } from 'vitest'
import {
  type PropertyLaw,
  propertyLaw,
  type RecurrentLayer,
  type RnnConfig,
  reference,
  resampleRnnData,
  rnnCellKinds,
  rnnGradientCheck,
  rnnGradientLaw,
  rnnLayerLaws,
  rnnProblemGrid,
  scanLaws,
} from '../../src/index.js'
import { elman } from './elman.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 60)
process.stdout.write(`kit rnn laws: seed ${seed}, ${numRuns} runs per law\n`)

const problems = { modes: ['RNN_TANH', 'RNN_RELU'] } as const
const laws = rnnLayerLaws(elman, { problems })

const holds = <A>(law: PropertyLaw<A>, runs = numRuns): void =>
  test.prop([law.arbitrary], { seed, numRuns: runs })(law.name, (a) => {
    expect(law.check(a)).toBeUndefined()
  })

describe('rnn layer laws hold for a correct layer written outside @recur/models', () => {
  for (const law of [laws.shapes, laws.batchIsSamples, laws.forwardHalf, laws.reverseHalf, laws.stacking, laws.lastValidOutput])
    holds(law)
  holds(laws.paddingIsInert)
  holds(laws.chunking)
  holds(rnnGradientLaw(elman, { problems }), 20)
})

describe('rnn layer laws reject a broken layer', () => {
  const lastAxis = (t: Tensor, start: number, size: number): Tensor =>
    slice(
      t,
      t.shape.map((_, i) => (i === t.rank - 1 ? start : 0)),
      t.shape.map((d, i) => (i === t.rank - 1 ? size : d)),
    )
  const broken = (run: RecurrentLayer<RnnConfig>['run']): RecurrentLayer<RnnConfig> => ({ ...elman, run })
  it("catches a reverse direction that ignores lengths ('reverseHalf')", () => {
    const layer = broken((c, p, x, o) => {
      const r = elman.run(c, p, x, o)
      if (!c.bidirectional || o.lengths === undefined) return r
      const r0 = elman.run(c, p, x, { ...(o.h0 === undefined ? {} : { h0: o.h0 }) })
      const H = c.hiddenSize
      return { ...r, output: concat([lastAxis(r.output, 0, H), lastAxis(r0.output, H, H)], -1) }
    })
    const law = rnnLayerLaws(layer, { problems }).reverseHalf
    expect(law.findCounterexample({ seed, numRuns: 300 })).toContain(law.name)
  })
  it("catches h_n taken from the first layer ('lastValidOutput')", () => {
    const layer = broken((c, p, x, o) => {
      const r = elman.run(c, p, x, o)
      const D = c.bidirectional ? 2 : 1
      const rows = unstack(r.h_n, 0)
      // the last layer's rows replaced by the first layer's
      return c.numLayers < 2 ? r : { ...r, h_n: stack([...rows.slice(0, (c.numLayers - 1) * D), ...rows.slice(0, D)], 0) }
    })
    const law = rnnLayerLaws(layer, { problems }).lastValidOutput
    expect(law.findCounterexample({ seed, numRuns: 300 })).toContain(law.name)
  })
  it('names the law, the config and the difference', () => {
    const layer = broken((c, p, x, o) => ({ ...elman.run(c, p, x, o), h_n: index(elman.run(c, p, x, o).h_n, 0, 0) }))
    const failure = rnnLayerLaws(layer, { problems }).shapes.findCounterexample({ seed, numRuns: 10 })
    expect(failure).toMatch(/^output and state shapes are the documented functions of the config: fails for \{ RNN_(TANH|RELU), /)
    expect(failure).toMatch(/h_n has shape \[.*\], expected \[.*\]/)
  })
  it('rnnGradientCheck needs float64', () => {
    const [p] = rnnProblemGrid().filter((q) => q.config.mode === 'RNN_TANH')
    expect(() => p && rnnGradientCheck(elman, p, { place: { backend: reference, dtype: 'float32' } })).toThrow(/float64/)
  })
})

describe('scan laws on the reference backend', () => {
  const scan = scanLaws()
  holds(scan.equalsLoop, 30)
  holds(scan.reverseEqualsReversedLoop, 30)
  holds(scan.truncateAndCheckpoint, 30)
})

describe('propertyLaw', () => {
  const law = propertyLaw('below 10', 0, fc.integer({ min: 0, max: 20 }), (n) => (n < 10 ? undefined : `${n} is not below 10`))
  it('checks, and runs as a property with its message', () => {
    expect(law.check(3)).toBeUndefined()
    expect(law.check(12)).toBe('12 is not below 10')
    const thrown = (() => {
      try {
        fc.assert(law.property(), { seed: 1, numRuns: 200 })
        return undefined
      } catch (e) {
        return e instanceof Error ? e : undefined
      }
    })()
    expect(thrown?.message).toMatch(/^Property failed/)
    expect(String(thrown?.cause)).toMatch(/is not below 10/)
    expect(law.findCounterexample({ seed: 1, numRuns: 200 })).toMatch(/^\d+ is not below 10$/)
    expect(propertyLaw('any', 0, fc.nat(), () => undefined).findCounterexample({ numRuns: 50 })).toBeUndefined()
  })
})

describe('rnnProblemGrid', () => {
  const grid = rnnProblemGrid()
  it('is the cross product of the discrete options: 864 distinct problems', () => {
    expect(grid).toHaveLength(rnnCellKinds.length * 3 * 2 * 2 * 2 * 3 * 2)
    const key = (p: (typeof grid)[number]) =>
      JSON.stringify([p.config, p.batch === undefined, p.lengths === undefined, p.h0 === undefined])
    expect(new Set(grid.map(key)).size).toBe(grid.length)
    expect(new Set(grid.map((p) => p.seed)).size).toBe(grid.length)
  })
  it('gives every problem consistent shapes and smooth data', () => {
    for (const p of grid) {
      const { config: c } = p
      const D = c.bidirectional ? 2 : 1
      const hOut = c.projSize > 0 ? c.projSize : c.hiddenSize
      expect(p.input.values).toHaveLength(p.input.shape.reduce((a, b) => a * b, 1))
      expect(p.input.shape[p.input.shape.length - 1]).toBe(c.inputSize)
      if (p.h0 !== undefined)
        expect(p.h0.shape).toEqual(p.batch === undefined ? [D * c.numLayers, hOut] : [D * c.numLayers, p.batch, hOut])
      expect(p.c0 !== undefined).toBe(c.mode === 'LSTM' && p.h0 !== undefined)
      for (const v of [...p.input.values, ...(p.h0?.values ?? []), ...(p.c0?.values ?? [])]) {
        expect(v !== 0 && v >= -1 && v < 1).toBe(true)
      }
      if (p.lengths !== undefined) expect(p.lengths.every((l) => l >= 1 && l <= p.seqLength)).toBe(true)
    }
  })
  it('is deterministic, and resampling keeps shapes, lengths and the seed', () => {
    const [p] = grid
    expect(rnnProblemGrid()[0]).toEqual(p)
    if (p !== undefined) {
      const q = resampleRnnData({ ...p, seed: p.seed + 1 })
      expect(q.input.shape).toEqual(p.input.shape)
      expect(q.input.values).not.toEqual(p.input.values)
      expect(q.seed).toBe(p.seed + 1)
    }
  })
  it('refuses sizes it cannot fill', () => {
    expect(() => rnnProblemGrid({ hiddenSize: 2, projSize: 2 })).toThrow(/projSize 2/)
    expect(() => rnnProblemGrid({ seqLength: 1 })).toThrow(/seqLength 1/)
  })
  it('runs the Elman part of the grid through the shape and gradient laws', () => {
    const elmanProblems = grid.filter((p) => p.config.mode !== 'LSTM' && p.config.mode !== 'GRU').filter((_, i) => i % 9 === 0)
    expect(elmanProblems.length).toBeGreaterThan(20)
    for (const p of elmanProblems) {
      expect(laws.shapes.check(p)).toBeUndefined()
      expect(rnnGradientCheck(elman, p)).toBeUndefined()
    }
  })
})
