/**
 * The wrapper backends `recording` and `promoted` pass the conformance kit; the recording log is an
 * immutable record of every call; `promoted` (or a documented tolerance override) makes a backend
 * that accumulates float32 natively conform; failures replay from their seed and path.
 *
 * Reproduce a run with FC_SEED=<seed printed below>.
 */
import { type Backend, fromFlat, matmul, sum, tanh } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { promoted, recording } from '../../src/backends/index.js'
import { backendConformance, registerConformance } from '../../src/conformance/index.js'
import { reference } from '../../src/reference.js'
import { native32 } from './native32.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
process.stdout.write(`wrapper backends conformance: seed ${seed}\n`)
const options = { seed, numRuns: 50, endToEnd: { numRuns: 5 } }

describe('recording(reference) conforms', () => registerConformance(recording(reference).backend, it, options))
describe('promoted(reference) conforms', () => registerConformance(promoted(reference), it, options))

describe('the recording log', () => {
  it('records kernel, op, input shapes, dtype, size and time of every call; snapshots never change', () => {
    let now = 0
    const { backend, log } = recording(reference, { clock: () => (now += 0.5) })
    const x = fromFlat([1, 2, 3, 4, 5, 6], [2, 3], { dtype: 'float64', backend })
    const before = log.calls()
    const y = sum(tanh(matmul(x, x, { transposeB: true })), { axes: [1] })
    expect(y.shape).toEqual([2])
    const calls = log.calls()
    expect(before).toHaveLength(0)
    expect(Object.isFrozen(calls) && calls.every((c) => Object.isFrozen(c) && Object.isFrozen(c.shapes))).toBe(true)
    const seen = calls.map((c) => [c.kernel, c.op, c.shapes, c.dtype, c.size, c.ms])
    expect(seen).toContainEqual([
      'matmul',
      undefined,
      [
        [2, 3],
        [2, 3],
      ],
      'float64',
      4,
      0.5,
    ])
    expect(seen).toContainEqual(['unary', 'tanh', [[2, 2]], 'float64', 4, 0.5])
    expect(seen).toContainEqual(['reduce', 'sum', [[2, 2]], 'float64', 2, 0.5])
    expect(calls.map((c) => c.index)).toEqual(calls.map((_, i) => i))
    const totals = log.totals()
    expect(totals.reduce((n, t) => n + t.calls, 0)).toBe(calls.length)
    log.clear()
    expect(log.calls()).toHaveLength(0)
    expect(calls.length).toBeGreaterThanOrEqual(3)
  })
})

describe('a backend that accumulates float32 natively', () => {
  const run = (b: Backend, tolerances = {}) =>
    backendConformance(b, { seed, numRuns: 50, kernels: ['reduce', 'matmul'], endToEnd: false, tolerances }).map((c) => c.run())

  it('is rejected with the default tolerance (4·n·ε₆₄·Σ|terms| + 1 ulp) in reduce and matmul', () => {
    const [reduce, matmul] = run(native32)
    expect(reduce?.passed === false && reduce.counterexample).toMatch(/^reduce\((sum|prod), float32/)
    expect(matmul?.passed === false && matmul.counterexample).toMatch(/^matmul\(float32/)
  })

  it('conforms once wrapped in promoted()', () => {
    expect(run(promoted(native32)).map((r) => r.passed)).toEqual([true, true])
  })

  it("conforms with the documented override { accumulator: 'float32', absolute: 2 ** -126 }", () => {
    const float32 = { accumulator: 'float32', absolute: 2 ** -126 } as const
    const tolerances = { reduce: float32, matmul: float32 }
    expect(run(native32, tolerances).map((r) => (r.passed ? 'passed' : r.report))).toEqual(['passed', 'passed'])
  })
})

describe('reports', () => {
  it('replay: the seed and path of a failure give back the same shrunk counterexample', () => {
    const broken: Backend = {
      ...reference,
      name: 'broken-tanh',
      unary: (op, x) => reference.unary(op === 'tanh' ? 'sin' : op, x),
    }
    const first = backendConformance(broken, { seed, kernels: ['unary'], endToEnd: false })[0]?.run()
    if (first === undefined || first.passed) throw new Error('the broken tanh was not caught')
    expect(first.message).toContain('unary(tanh, ')
    const again = backendConformance(broken, {
      seed: first.seed,
      path: first.path,
      kernels: ['unary'],
      endToEnd: false,
    })[0]?.run()
    expect(again?.passed === false && again.counterexample).toBe(first.counterexample)
  })

  it('names one check per kernel, then one LSTM check per dtype', () => {
    const names: string[] = []
    registerConformance(reference, (name) => names.push(name), { dtypes: ['float64'] })
    expect(names).toEqual([
      ...['unary', 'binary', 'compare', 'where', 'reduce', 'argReduce', 'matmul', 'transpose', 'reshape'],
      ...['slice', 'pad', 'concat', 'gather', 'scatterAdd', 'oneHot', 'cast', 'fill', 'lstm float64'],
    ])
  })
})
