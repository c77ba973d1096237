/**
 * cpu's fused cell kernels (`kernels/fused.ts`):
 *
 * - each kernel equals the composed definition on the reference backend (the conformance kit's
 *   fused cases, tolerance justified in `@recur/testing`'s fusedCases module), and the kit rejects
 *   realistic mutants of them (swapped gates, a missing factor, a wrong layout);
 * - the forward kernels give exactly the reference backend's composed values, in float32 too;
 * - the ops built on them pass the derivative laws in float64: gradcheck and jvp against central
 *   differences, ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩, and hvp against central differences of the gradient —
 *   on cpu (fused kernels) and on the reference backend (composed fallback).
 *
 * Reproduce a run with FC_SEED=<seed printed below>; FC_RUNS sets the runs per property.
 */
import { fc, test } from '@fast-check/vitest'
import * as R from '@recur/core'
import {
  compareFused,
  type FusedCase,
  type FusedKernelName,
  fusedCasesOf,
  gradcheck,
  hvpMatchesFiniteDifferences,
  jvpMatchesFiniteDifferences,
  reference,
  vjpIsTransposeOfJvp,
} from '@recur/testing'
import { describe, expect } from 'vitest'
import { cpu } from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 100)
process.stdout.write(`cpu fused kernels: seed ${seed}, ${numRuns} runs per property\n`)

const kernels = cpu.fused ?? {}
const cases = fusedCasesOf()

/** cpu's fused kernels: the gate kernels (the whole-sequence recurrences are `cpuFast`'s, `recurrenceWasm.test.ts`). */
const gateKernels: readonly FusedKernelName[] = ['lstmGates', 'lstmGatesBackward', 'gruGates', 'gruGatesBackward']

describe('each fused kernel equals the composed definition on the reference backend', () => {
  for (const kernel of gateKernels) {
    test.prop([cases[kernel]], { seed, numRuns })(kernel, (c) => {
      expect(kernels[kernel]).toBeDefined()
      expect(compareFused(cpu, reference, c)).toBeUndefined()
    })
  }
})

/** A copy of `x` whose block `k` of `n` equal blocks on the last axis is `fill(block j)` (or zeros when `j` is undefined). */
const withBlock = (x: R.Operand, n: number, k: number, j: number | undefined): R.Operand => {
  const w = (x.shape[x.shape.length - 1] ?? 0) / n
  const data = x.dtype === 'float32' ? Float32Array.from(x.data) : Float64Array.from(x.data)
  for (let r = 0; r < data.length / (n * w); r++)
    for (let i = 0; i < w; i++) data[r * n * w + k * w + i] = j === undefined ? 0 : (x.data[r * n * w + j * w + i] ?? 0)
  return { ...x, data }
}
/** `to` with its block `k` of `n` on the last axis replaced by the same block of `from` (same layout). */
const blockFrom = (to: R.ReadonlyData, from: R.ReadonlyData, like: R.Operand, n: number, k: number): R.ReadonlyData => {
  const w = (like.shape[like.shape.length - 1] ?? 0) / n
  const data = like.dtype === 'float32' ? Float32Array.from(to) : Float64Array.from(to)
  for (let r = 0; r < data.length / (n * w); r++)
    for (let i = 0; i < w; i++) data[r * n * w + k * w + i] = from[r * n * w + k * w + i] ?? 0
  return data
}

/** cpu's fused kernel `name` (the first describe checks that each exists). */
const need = <K extends FusedKernelName>(name: K): NonNullable<R.FusedKernels[K]> => {
  const f = kernels[name]
  if (f === undefined) throw new Error(`cpu has no fused kernel ${name}`)
  return f
}
const k = {
  lstmGates: need('lstmGates'),
  lstmGatesBackward: need('lstmGatesBackward'),
  gruGates: need('gruGates'),
  gruGatesBackward: need('gruGatesBackward'),
}
const mutants: readonly (readonly [string, FusedKernelName, R.FusedKernels])[] = [
  ['lstmGates reads f as i', 'lstmGates', { lstmGates: (g, c) => k.lstmGates(withBlock(g, 4, 0, 1), c) }],
  [
    'lstmGatesBackward forgets the carried cell gradient',
    'lstmGatesBackward',
    { lstmGatesBackward: (g, c, dh, dc) => k.lstmGatesBackward(g, c, dh, withBlock(dc, 1, 0, undefined)) },
  ],
  ['gruGates reads z as r', 'gruGates', { gruGates: (x, p, h) => k.gruGates(withBlock(x, 3, 0, 1), p, h) }],
  [
    'gruGatesBackward forgets r in d h_n',
    'gruGatesBackward',
    {
      gruGatesBackward: (x, p, h, ct) => {
        const [dx, dp, dh] = k.gruGatesBackward(x, p, h, ct)
        return [dx, blockFrom(dp, dx, x, 3, 2), dh] as const
      },
    },
  ],
]

describe('the fused conformance cases reject mutants', () => {
  for (const [name, kernel, fused] of mutants) {
    test.prop([fc.constant(null)], { numRuns: 1 })(name, () => {
      const mutant: R.Backend = { ...cpu, name, fused }
      const details = fc.check(
        fc.property(cases[kernel], (c: FusedCase) => compareFused(mutant, reference, c) === undefined),
        { seed, numRuns: 200 },
      )
      expect(details.failed, `${name} passed ${details.numRuns} cases`).toBe(true)
    })
  }
})

type Cell = 'lstm' | 'gru'
/** Inputs of a cell op as `(…, w·H)` tensors; values spread over (−3, 3) by a hash of `salt`. */
const problem = fc.record({
  cell: fc.constantFrom<Cell>('lstm', 'gru'),
  lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
  h: fc.integer({ min: 1, max: 3 }),
  salt: fc.integer({ min: 1, max: 2 ** 20 }),
})
type Problem = typeof problem extends fc.Arbitrary<infer P> ? P : never
const tensorsOf = (p: Problem, backend: R.Backend, dtype: R.DType, widths: readonly number[], offset: number): R.Tensor[] => {
  let at = offset
  return widths.map((w) => {
    const shape = [...p.lead, w * p.h]
    const n = shape.reduce((a, b) => a * b, 1)
    const values = Array.from({ length: n }, (_, i) => 3 * Math.sin(p.salt * 7919 + (at + i) * 104729 + 0.5))
    at += n
    return R.fromFlat(values, shape, { backend, dtype })
  })
}
const inputWidths = (cell: Cell) => (cell === 'lstm' ? [4, 1] : [3, 3, 1])
const outputWidths = (cell: Cell) => (cell === 'lstm' ? [1, 1] : [1])
const op =
  (cell: Cell) =>
  (...xs: R.Tensor[]): R.Tensor[] =>
    cell === 'lstm' ? [...R.lstmGates(xs[0]!, xs[1]!)] : [R.gruGates(xs[0]!, xs[1]!, xs[2]!)]

describe('forward values equal the reference backend exactly', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    test.prop([problem], { seed, numRuns })(dtype, (p) => {
      const xs = tensorsOf(p, cpu, dtype, inputWidths(p.cell), 0)
      const ys = tensorsOf(p, reference, dtype, inputWidths(p.cell), 0)
      const got = op(p.cell)(...xs).flatMap((t) => t.toFlat())
      const want = op(p.cell)(...ys).flatMap((t) => t.toFlat())
      expect(got).toEqual(want)
    })
  }
})

describe.each([
  ['cpu', cpu],
  ['reference', reference],
] as const)('derivative laws in float64 on %s', (_, backend) => {
  const setup = (p: Problem) => {
    const n = 10_000
    return {
      f: op(p.cell),
      x: tensorsOf(p, backend, 'float64', inputWidths(p.cell), 0),
      v: tensorsOf(p, backend, 'float64', inputWidths(p.cell), n),
      u: tensorsOf(p, backend, 'float64', outputWidths(p.cell), 2 * n),
    }
  }
  test.prop([problem], { seed, numRuns: Math.ceil(numRuns / 4) })('gradcheck (central differences)', (p) => {
    const { f, x } = setup(p)
    const report = gradcheck(f, x)
    expect(report.ok, report.message).toBe(true)
  })
  test.prop([problem], { seed, numRuns })('jvp matches central differences', (p) => {
    const { f, x, v } = setup(p)
    expect(jvpMatchesFiniteDifferences(f, x, v)).toBeUndefined()
  })
  test.prop([problem], { seed, numRuns })('vjp is the transpose of jvp', (p) => {
    const { f, x, v, u } = setup(p)
    expect(vjpIsTransposeOfJvp(f, x, v, u)).toBeUndefined()
  })
  test.prop([problem], { seed, numRuns: Math.ceil(numRuns / 4) })('hvp matches central differences of the gradient', (p) => {
    const { f, x, v, u } = setup(p)
    const loss = (xs: R.Tensor[]) => R.sum(R.concat(f(...xs).map((y, i) => R.reshape(R.mul(R.tanh(y), u[i]!), [-1]))))
    expect(hvpMatchesFiniteDifferences(loss, x, v)).toBeUndefined()
  })
})
