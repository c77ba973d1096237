/**
 * The fused cell primitives `lstmGates` and `gruGates` equal their composed definitions, on cpu
 * (fused kernels) and on cpu with the fused kernels removed (the primitives' composed fallback):
 * values, forward mode, reverse mode (the fused backward primitive), second order (hvp and grad of
 * grad, which go through the backward primitive's own rules), scan with checkpointing; plus the
 * transpose law ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ and shape errors. Central differences and the reference
 * backend are in packages/backend-cpu/test/fused.test.ts (this package's tests cannot import
 * @recur/testing).
 *
 * Tolerances. Forward values are compared exactly: the kernels evaluate the composition in the
 * same order and, in float32, round after every operation as the composed kernels do. Derivatives
 * in float64 may differ by reassociation only (a few ulps per operation over ~15 operations of
 * O(1) factors): we allow 1e-13·max(1, max|expected|). In float32 the backward kernel keeps its
 * intermediates in float64 while the composition rounds each, so they differ by a few float32
 * ulps per operation: we allow 64·ε₃₂·max(1, max|expected|) ≈ 7.6e-6. A wrong gate or factor is
 * off by a fraction of the derivative itself.
 *
 * Reproduce a run with FC_SEED=<seed printed below>; FC_RUNS sets the runs per property.
 */
import { fc, test } from '@fast-check/vitest'
import { cpu } from '@recur/backend-cpu'
import { describe, expect, it } from 'vitest'
import * as R from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 40)
process.stdout.write(`fused cell primitives: seed ${seed}, ${numRuns} runs per property\n`)

const { fused: _kernels, ...required } = cpu
/** cpu without its fused kernels: the primitives fall back to their composed definitions. */
const composedCpu: R.Backend = { ...required, name: 'cpu without fused kernels' }
const backends = [cpu, composedCpu] as const

type Cell = 'lstm' | 'gru'
interface Problem {
  readonly cell: Cell
  readonly lead: readonly number[]
  readonly h: number
  readonly values: readonly number[]
}

const widths: { readonly [C in Cell]: readonly number[] } = { lstm: [4, 1], gru: [3, 3, 1] }
const total = (p: Omit<Problem, 'values'>): number =>
  widths[p.cell].reduce((n, w) => n + w * p.h, 0) * p.lead.reduce((a, b) => a * b, 1)

/**
 * Problems by construction: leading dimensions (none, N, or N×M), H, and values for inputs,
 * tangents and cotangents spread over (−3, 3) by a hash of `salt`. (fast-check's doubles favour
 * 0 and the bounds, which make gates equal and states zero, where a swapped gate goes unseen.)
 */
const problem = (cell: Cell): fc.Arbitrary<Problem> =>
  fc
    .record({
      lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
      h: fc.integer({ min: 1, max: 4 }),
      salt: fc.integer({ min: 1, max: 2 ** 20 }),
    })
    .map(({ lead, h, salt }) => {
      const n = 4 * total({ cell, lead, h })
      const values = Array.from({ length: n }, (_, i) => 3 * Math.sin(salt * 7919 + i * 104729 + 0.5))
      return { cell, lead, h, values }
    })

/** Inputs (and a second set for tangents, cotangents) of a problem, on `backend` in `dtype`. */
const setup = (p: Problem, backend: R.Backend, dtype: R.DType) => {
  let at = 0
  const take = (w: number) => {
    const shape = [...p.lead, w * p.h]
    const n = shape.reduce((a, b) => a * b, 1)
    const t = R.fromFlat(p.values.slice(at, at + n), shape, { backend, dtype })
    at += n
    return t
  }
  const inputs = widths[p.cell].map(take)
  const tangents = widths[p.cell].map(take)
  const outWidths = p.cell === 'lstm' ? [1, 1] : [1]
  const cotangents = outWidths.map(take)
  return { inputs, tangents, cotangents }
}

type Fn = (...xs: R.Tensor[]) => R.Tensor[]
const fusedOf = (cell: Cell): Fn => (cell === 'lstm' ? (g, c) => [...R.lstmGates(g!, c!)] : (x, p, h) => [R.gruGates(x!, p!, h!)])
const composedOf = (cell: Cell): Fn =>
  cell === 'lstm' ? (g, c) => [...R.composedLstmGates(g!, c!)] : (x, p, h) => [R.composedGruGates(x!, p!, h!)]

const flat = (ts: readonly R.Tensor[]): number[] => ts.flatMap((t) => t.toFlat())
const tolerance = (dtype: R.DType): number => (dtype === 'float64' ? 1e-13 : 64 * R.epsilon('float32'))
const near = (got: readonly R.Tensor[], want: readonly R.Tensor[], dtype: R.DType, what: string) => {
  const g = flat(got)
  const w = flat(want)
  expect(g.length, what).toBe(w.length)
  const scale = Math.max(1, ...w.map(Math.abs))
  const worst = g.reduce((m, v, i) => Math.max(m, Math.abs(v - (w[i] ?? Number.NaN))), 0)
  expect(worst, `${what}: worst |Δ| ${worst} vs scale ${scale}`).toBeLessThanOrEqual(tolerance(dtype) * scale)
}
const dot = (a: readonly R.Tensor[], b: readonly R.Tensor[]): number => {
  const x = flat(a)
  const y = flat(b)
  return x.reduce((s, v, i) => s + v * (y[i] ?? Number.NaN), 0)
}

const cases = [
  ['lstmGates', 'lstm'],
  ['gruGates', 'gru'],
] as const

describe.each(cases)('%s equals its composed definition', (_, cell) => {
  const fused = fusedOf(cell)
  const composed = composedOf(cell)
  for (const backend of backends) {
    for (const dtype of ['float32', 'float64'] as const) {
      test.prop([problem(cell)], { seed, numRuns })(`values, exactly, on ${backend.name} in ${dtype}`, (p) => {
        const { inputs } = setup(p, backend, dtype)
        const got = fused(...inputs)
        const want = composed(...inputs)
        expect(got.map((t) => t.shape)).toEqual(want.map((t) => t.shape))
        expect(flat(got)).toEqual(flat(want))
      })

      test.prop([problem(cell)], { seed, numRuns })(`vjp on ${backend.name} in ${dtype}`, (p) => {
        const { inputs, cotangents } = setup(p, backend, dtype)
        const got = R.vjp(fused, inputs)[1](cotangents)
        const want = R.vjp(composed, inputs)[1](cotangents)
        near(got, want, dtype, 'vjp')
      })
    }

    test.prop([problem(cell)], { seed, numRuns })(`jvp and ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ on ${backend.name}`, (p) => {
      const { inputs, tangents, cotangents } = setup(p, backend, 'float64')
      const [y, jv] = R.jvp(fused, inputs, tangents)
      const [y0, jv0] = R.jvp(composed, inputs, tangents)
      expect(flat(y)).toEqual(flat(y0))
      near(jv, jv0, 'float64', 'jvp')
      const jtu = R.vjp(fused, inputs)[1](cotangents)
      const lhs = dot(cotangents, jv)
      const rhs = dot(jtu, tangents)
      const scale = flat(cotangents).reduce((s, v) => s + Math.abs(v), 0) * Math.max(1, ...flat(tangents).map(Math.abs))
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-12 * Math.max(1, scale))
    })

    test.prop([problem(cell)], { seed, numRuns })(`second order: hvp and grad of grad on ${backend.name}`, (p) => {
      const { inputs, tangents, cotangents } = setup(p, backend, 'float64')
      // A scalar loss that is not linear in the outputs, so its Hessian involves both primitives' rules.
      const loss = (f: Fn) => (xs: R.Tensor[]) => R.sum(R.concat(f(...xs).map((y, i) => R.mul(R.tanh(y), cotangents[i]!))))
      near(R.hvp(loss(fused), inputs, tangents), R.hvp(loss(composed), inputs, tangents), 'float64', 'hvp')
      const gradDot = (f: Fn) => (xs: R.Tensor[]) => {
        const g = R.grad(loss(f))(xs)
        return R.sum(R.concat(g.map((t, i) => R.reshape(R.mul(t, tangents[i]!), [-1]))))
      }
      near(R.grad(gradDot(fused))(inputs), R.grad(gradDot(composed))(inputs), 'float64', 'grad of grad')
    })
  }
})

describe('fused cells under scan', () => {
  test.prop([fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 })], { seed, numRuns: 10 })(
    'an LSTM scan, with and without checkpointing, has the gradient and hvp of the composed one',
    (T, k) => {
      const o = { backend: cpu, dtype: 'float64' } as const
      const H = 3
      const w = R.Random.normal(R.Random.key(T), [4 * H, H], o)
      const xs = R.Random.normal(R.Random.key(T + 1), [T, 2, 4 * H], o)
      const run =
        (gates: typeof R.lstmGates, checkpoint: number | undefined) =>
        (weight: R.Tensor): R.Tensor => {
          const step = (s: { h: R.Tensor; c: R.Tensor }, x: R.Tensor) => {
            const [h, c] = gates(R.add(x, R.matmul(s.h, weight, { transposeB: true })), s.c)
            return [{ h, c }, h] as const
          }
          const init = { h: R.zeros([2, H], o), c: R.zeros([2, H], o) }
          const [, ys] = R.scan(step, init, xs, checkpoint === undefined ? {} : { checkpoint })
          return R.sum(R.mul(ys, ys))
        }
      const want = R.grad(run(R.composedLstmGates, undefined))(w)
      near([R.grad(run(R.lstmGates, undefined))(w)], [want], 'float64', 'BPTT')
      near([R.grad(run(R.lstmGates, k))(w)], [want], 'float64', 'checkpointed BPTT')
      const v = R.Random.normal(R.Random.key(T + 2), w.shape, o)
      const hvpWant = R.hvp(run(R.composedLstmGates, undefined), w, v)
      near([R.hvp(run(R.lstmGates, undefined), w, v)], [hvpWant], 'float64', 'hvp through BPTT')
      near([R.hvp(run(R.lstmGates, k), w, v)], [hvpWant], 'float64', 'hvp through checkpointed BPTT')
    },
  )
})

describe('shape errors name the op, the argument and the shapes', () => {
  const o = { backend: cpu, dtype: 'float32' } as const
  const z = (shape: number[]) => R.zeros(shape, o)
  it('lstmGates', () => {
    expect(() => R.lstmGates(z([2, 10]), z([2, 2]))).toThrow(
      "lstmGates: gates has 10 entries on its last axis, not a multiple of 4 (gates i, f, g, o, each of hidden size H) (argument 'gates'; gates [2, 10], c [2, 2])",
    )
    expect(() => R.lstmGates(z([2, 12]), z([3, 3]))).toThrow(
      "lstmGates: c must have shape [2, 3] = (…, H) with H = 3 and the leading dimensions [2] of gates, but it has [3, 3] (argument 'c'; gates [2, 12], c [3, 3])",
    )
    expect(() => R.lstmGates(z([2, 12]), z([2, 4]))).toThrow('c must have shape [2, 3] = (…, H) with H = 3')
    expect(() => R.lstmGates(z([]), z([]))).toThrow(
      "lstmGates: gates must have at least one axis, (…, 4H) with gates i, f, g, o (argument 'gates'; gates [], c [])",
    )
    expect(() => R.lstmGates(z([2, 12]), R.zeros([2, 3], { backend: cpu, dtype: 'float64' }))).toThrow('lstmGates: mixed dtypes')
  })
  it('gruGates', () => {
    expect(() => R.gruGates(z([2, 9]), z([2, 6]), z([2, 3]))).toThrow(
      "gruGates: hp must have shape [2, 9] = (…, 3H) with H = 3 and the leading dimensions [2] of xp, but it has [2, 6] (argument 'hp'",
    )
    expect(() => R.gruGates(z([2, 9]), z([2, 9]), z([1, 3]))).toThrow("(argument 'h'; xp [2, 9], hp [2, 9], h [1, 3])")
    expect(() => R.gruGates(z([2, 8]), z([2, 8]), z([2, 3]))).toThrow(
      'gruGates: xp has 8 entries on its last axis, not a multiple of 3',
    )
  })
})

describe('unstack, a primitive with several results like the fused cells', () => {
  const kernels: string[] = []
  const counting: R.Backend = {
    ...cpu,
    name: 'counting cpu',
    pad: (...args) => {
      kernels.push('pad')
      return cpu.pad(...args)
    },
    concat: (...args) => {
      kernels.push('concat')
      return cpu.concat(...args)
    },
  }
  const o = { backend: counting, dtype: 'float64' } as const
  test.prop([fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 })], {
    seed,
    numRuns: 20,
  })(
    'its pullback is one stack (no padded copy per slice), zeros for unused slices; its jvp unstacks the tangent',
    (T, n, axis) => {
      const shape = [T, n, 2]
        .map((d, j) => (j === 0 ? d : d))
        .slice(0, axis + 1)
        .concat([T, n, 2].slice(axis + 1))
      const x = R.Random.normal(R.Random.key(T * 7 + n), shape, o)
      const len = shape[axis] ?? 0
      const w = Array.from({ length: len }, (_, i) => i + 1)
      // uses every slice but the last, weighted by i + 1
      const f = (y: R.Tensor) =>
        R.sum(
          R.stack(
            R.unstack(y, axis)
              .slice(0, -1)
              .map((s, i) => R.mul(R.sum(s), w[i] ?? 0))
              .concat([R.scalar(0, o)]),
          ),
        )
      kernels.length = 0
      const [, pullback] = R.vjp(f, [x])
      kernels.length = 0
      const [g] = pullback(R.scalar(1, o))
      expect(kernels.filter((k) => k === 'pad')).toEqual([])
      const want = R.unstack(R.onesLike(x), axis).map((s, i) => R.mul(s, i === len - 1 ? 0 : (w[i] ?? 0)))
      expect(g.toFlat()).toEqual(R.stack(want, axis).toFlat())
      const v = R.Random.normal(R.Random.key(T), shape, o)
      const [, tangents] = R.jvp((y: R.Tensor) => R.unstack(y, axis), [x], [v])
      expect(tangents.map((t) => t.toFlat())).toEqual(R.unstack(v, axis).map((t) => t.toFlat()))
    },
  )
})
