/**
 * On a backend with the whole-sequence recurrence kernels (`cpuFast`), a batched LSTM (no
 * projection) or reset-after GRU cell step runs as a one-step fused recurrence. It must give the
 * step-by-step cell's values, and its gradients (reverse mode through a `scan` of steps, to the
 * weights, both biases, the inputs and the initial state), and forward-mode tangents: compared with
 * the same cell on `cpuFast` without its recurrence kernels (the general step), in float32.
 *
 * Tolerance: float32, 1e-5·max(1, |expected|): the two differ in where the biases are added (the
 * fused step sums them once, then adds them to the recurrent product) and so in rounding only;
 * a wrong gate, bias or state would be off by a large fraction.
 */
import { cpuFast } from '@recur/backend-cpu'
import * as R from '@recur/core'
import { describe, expect, it } from 'vitest'
import { type CellConfigInput, type CellParams, cell, type State } from '../src/index.js'

const {
  lstmRecurrence: _a,
  lstmRecurrenceBackward: _b,
  gruRecurrence: _c,
  gruRecurrenceBackward: _d,
  ...gates
} = cpuFast.fused ?? {}
/** cpuFast without the recurrence kernels: cell steps take the general path. */
const general: R.Backend = { ...cpuFast, name: 'cpu-fast without recurrence kernels', fused: gates }

const worst = (a: R.Tensor, b: R.Tensor): number => {
  expect(a.shape).toEqual(b.shape)
  const [x, y] = [a.toTypedArray(), b.toTypedArray()]
  let w = 0
  for (let i = 0; i < x.length; i++) w = Math.max(w, Math.abs((x[i] ?? 0) - (y[i] ?? 0)) / Math.max(1, Math.abs(y[i] ?? 0)))
  return w
}

const on = (t: R.Tensor, backend: R.Backend) => R.fromTypedArray(t.toTypedArray(), t.shape, { backend })
const onAll = <T extends Record<string, R.Tensor | undefined>>(p: T, backend: R.Backend): T =>
  Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v === undefined ? v : on(v, backend)])) as T

const configs: readonly CellConfigInput[] = [
  { mode: 'LSTM', inputSize: 5, hiddenSize: 6 },
  { mode: 'LSTM', inputSize: 5, hiddenSize: 6, bias: false },
  { mode: 'GRU', inputSize: 5, hiddenSize: 6 },
  { mode: 'GRU', inputSize: 5, hiddenSize: 6, bias: false },
]

describe('fused one-step cells on cpuFast', () => {
  it.each(configs)('$mode (bias $bias): values, gradients and tangents of the general step', (input) => {
    const k = cell(input)
    const params = k.init(R.Random.key(7), { backend: cpuFast, dtype: 'float32' })
    const xs = R.Random.uniform(R.Random.key(8), [6, 3, 5], { backend: cpuFast, dtype: 'float32', min: -1, max: 1 })
    const h0 = R.Random.uniform(R.Random.key(9), [3, 6], { backend: cpuFast, dtype: 'float32', min: -1, max: 1 })
    const c0 = R.Random.uniform(R.Random.key(10), [3, 6], { backend: cpuFast, dtype: 'float32', min: -1, max: 1 })
    const loss = (p: CellParams, x: R.Tensor, h: R.Tensor): R.Tensor => {
      const init: State = input.mode === 'LSTM' ? { h, c: on(c0, h.backend) } : { h }
      const [final, hs] = R.scan(k.step(p), init, x)
      return R.add(R.sum(R.mul(hs, hs)), R.sum(final.h))
    }
    const fast = R.valueAndGrad(loss, { argnums: [0, 1, 2] })(params, xs, h0)
    const slow = R.valueAndGrad(loss, { argnums: [0, 1, 2] })(onAll(params, general), on(xs, general), on(h0, general))
    expect(worst(fast[0], slow[0])).toBeLessThanOrEqual(1e-5)
    const [gp, gx, gh] = fast[1] as [CellParams, R.Tensor, R.Tensor]
    const [sp, sx, sh] = slow[1] as [CellParams, R.Tensor, R.Tensor]
    expect(worst(gx, sx)).toBeLessThanOrEqual(1e-5)
    expect(worst(gh, sh)).toBeLessThanOrEqual(1e-5)
    for (const name of Object.keys(sp) as (keyof CellParams)[]) {
      const [a, b] = [gp[name], sp[name]]
      if (a === undefined || b === undefined) throw new Error(`no gradient for ${name}`)
      expect(worst(a, b), name).toBeLessThanOrEqual(1e-5)
    }
    const v = R.Random.uniform(R.Random.key(11), xs.shape, { backend: cpuFast, dtype: 'float32', min: -1, max: 1 })
    const [, tFast] = R.jvp((x: R.Tensor) => loss(params, x, h0), [xs], [v])
    const [, tSlow] = R.jvp(
      (x: R.Tensor) => loss(onAll(params, general), x, on(h0, general)),
      [on(xs, general)],
      [on(v, general)],
    )
    expect(worst(tFast, tSlow)).toBeLessThanOrEqual(1e-5)
  })
})
