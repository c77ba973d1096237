/**
 * scan's laws as properties over random lengths (including 0), weights and inputs, in float64:
 * scan equals the unrolled loop in value, JVP and VJP; reverse scan equals scanning the reversed
 * sequence; truncate ≥ T and checkpoint (any segment size) give the full BPTT gradient.
 */

import { fc, test } from '@fast-check/vitest'
import { cpu } from '@recur/backend-cpu'
import { describe, expect } from 'vitest'
import * as R from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 60)
process.stdout.write(`scan laws: seed ${seed}, ${numRuns} runs per law\n`)

const o = { backend: cpu, dtype: 'float64' } as const
const H = 3
const value = fc.double({ min: -1, max: 1, noNaN: true })
const problem = fc.record({
  T: fc.integer({ min: 0, max: 6 }),
  w: fc.array(value, { minLength: H * H, maxLength: H * H }),
  xs: fc.array(value, { minLength: 6 * H, maxLength: 6 * H }),
  h0: fc.array(value, { minLength: H, maxLength: H }),
  v: fc.array(value, { minLength: H * H, maxLength: H * H }),
  k: fc.integer({ min: 1, max: 8 }),
})
type P = { w: R.Tensor; h0: R.Tensor }
const setup = (p: { T: number; w: number[]; xs: number[]; h0: number[]; v: number[] }) => ({
  params: { w: R.fromFlat(p.w, [H, H], o), h0: R.fromFlat(p.h0, [H], o) },
  xs: R.fromFlat(p.xs.slice(0, p.T * H), [p.T, H], o),
  v: { w: R.fromFlat(p.v, [H, H], o), h0: R.fromFlat(p.v.slice(0, H), [H], o) },
})
const cell = (w: R.Tensor) => (h: R.Tensor, x: R.Tensor) => {
  const n = R.tanh(R.add(R.matmul(h, w), x))
  return [n, R.mul(n, n)] as const
}
const viaScan =
  (xs: R.Tensor, options: R.ScanOptions = {}) =>
  (p: P) => {
    const [hT, ys] = R.scan(cell(p.w), p.h0, xs, options)
    return R.add(R.sum(hT), R.sum(ys))
  }
const viaLoop =
  (xs: R.Tensor, reverse = false) =>
  (p: P) => {
    let h = p.h0
    let total = R.tensor(0, o)
    const steps = R.unstack(xs)
    for (const x of reverse ? [...steps].reverse() : steps) {
      const [n, y] = cell(p.w)(h, x)
      h = n
      total = R.add(total, R.sum(y))
    }
    return R.add(R.sum(h), total)
  }
const near = (a: number[], b: number[], tol = 1e-13) => {
  expect(a).toHaveLength(b.length)
  for (const [i, x] of a.entries())
    expect(Math.abs(x - (b[i] ?? Number.NaN))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i] ?? 0)))
}
const flat = (p: P) => [...p.w.toFlat(), ...p.h0.toFlat()]

describe('scan laws', () => {
  test.prop([problem], { seed, numRuns })('equals the unrolled loop in value, JVP and VJP', (raw) => {
    const { params, xs, v } = setup(raw)
    near([viaScan(xs)(params).item()], [viaLoop(xs)(params).item()])
    near([R.jvp(viaScan(xs), [params], [v])[1].item()], [R.jvp(viaLoop(xs), [params], [v])[1].item()])
    near(flat(R.grad(viaScan(xs))(params)), flat(R.grad(viaLoop(xs))(params)))
  })

  test.prop([problem], { seed, numRuns })('reverse scan equals scanning the reversed sequence', (raw) => {
    const { params, xs } = setup(raw)
    near([viaScan(xs, { reverse: true })(params).item()], [viaLoop(xs, true)(params).item()])
    near(flat(R.grad(viaScan(xs, { reverse: true }))(params)), flat(R.grad(viaLoop(xs, true))(params)))
  })

  test.prop([problem], { seed, numRuns })('truncate ≥ T and checkpoint of any segment size give full BPTT', (raw) => {
    const { params, xs } = setup(raw)
    const full = flat(R.grad(viaScan(xs))(params))
    near(flat(R.grad(viaScan(xs, { truncate: Math.max(raw.T, 1) + raw.k }))(params)), full, 0)
    near(flat(R.grad(viaScan(xs, { checkpoint: raw.k }))(params)), full)
  })
})
