/**
 * Parity with `torch.optim` (fixtures/optim/optim.json, written by fixtures/optim/generate.py with
 * PyTorch in float64): for every case and problem, recur's optimizer is fed the gradients PyTorch
 * computed at step k, and its parameters after step k must equal PyTorch's to 1e-12 relative to
 * max(1, |value|), for all 10 steps. Schedules must give the rate PyTorch's scheduler used.
 * The same replay in float32 must stay within 1e-5.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpu } from '@recur/backend-cpu'
import { add, type DType, fromFlat, grad, mul, square, sub, sum, type Tensor, type TreeT } from '@recur/core'
import { afterAll, describe, expect, it } from 'vitest'
import {
  adagrad,
  adam,
  adamw,
  addWeightDecay,
  applyUpdates,
  chain,
  cosineDecay,
  exponentialDecay,
  type LearningRate,
  momentum,
  rateAt,
  rmsprop,
  sgd,
  stepDecay,
  type Transform,
} from '../../src/optim/index.js'

type Flat = { readonly shape: number[]; readonly data: number[] }
type Step = { readonly lr: number; readonly grads: Record<string, Flat>; readonly params: Record<string, Flat> }
type Run = { readonly case: string; readonly problem: string; readonly init: Record<string, Flat>; readonly steps: Step[] }
type Fixture = { readonly torch: string; readonly runs: Run[] }

const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'optim', 'optim.json')
const fixture: Fixture = JSON.parse(readFileSync(file, 'utf8'))

/** recur's side of each case: the rate (for the schedule check) and the transformation. */
const recurOf: Record<string, { readonly lr: LearningRate; readonly make: (lr: LearningRate) => Transform }> = {
  sgd: { lr: 0.1, make: (lr) => sgd(lr) },
  'sgd-momentum': { lr: 0.05, make: (lr) => momentum(lr, 0.9) },
  'sgd-momentum-dampening': { lr: 0.05, make: (lr) => momentum(lr, 0.9, { dampening: 0.3 }) },
  'sgd-nesterov': { lr: 0.05, make: (lr) => momentum(lr, 0.9, { nesterov: true }) },
  'sgd-momentum-weight-decay': { lr: 0.05, make: (lr) => chain(addWeightDecay(0.01), momentum(lr, 0.8)) },
  adam: { lr: 0.01, make: (lr) => adam(lr) },
  'adam-betas-eps': { lr: 0.02, make: (lr) => adam(lr, { b1: 0.8, b2: 0.95, eps: 1e-6 }) },
  'adam-weight-decay': { lr: 0.01, make: (lr) => chain(addWeightDecay(0.1), adam(lr)) },
  'adam-steplr': { lr: stepDecay(0.01, { stepSize: 3, gamma: 0.5 }), make: (lr) => adam(lr) },
  'adam-cosine': { lr: cosineDecay(0.01, 10, { final: 0.001 }), make: (lr) => adam(lr) },
  adamw: { lr: 0.01, make: (lr) => adamw(lr, { weightDecay: 0.1 }) },
  'adamw-default': { lr: 0.001, make: (lr) => adamw(lr) },
  'adamw-exponential': { lr: exponentialDecay(0.01, 0.8), make: (lr) => adamw(lr, { weightDecay: 0.05 }) },
  rmsprop: { lr: 0.01, make: (lr) => rmsprop(lr) },
  'rmsprop-centered': { lr: 0.01, make: (lr) => rmsprop(lr, { alpha: 0.9, centered: true }) },
  'rmsprop-momentum': { lr: 0.01, make: (lr) => rmsprop(lr, { momentum: 0.5 }) },
  'rmsprop-centered-momentum': { lr: 0.01, make: (lr) => rmsprop(lr, { alpha: 0.9, eps: 1e-6, momentum: 0.5, centered: true }) },
  adagrad: { lr: 0.1, make: (lr) => adagrad(lr) },
  'adagrad-options': { lr: 0.1, make: (lr) => adagrad(lr, { lrDecay: 0.05, initialAccumulator: 0.1, eps: 1e-8 }) },
}

const treeOf = (flat: Record<string, Flat>, dtype: DType): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(flat).map(([k, v]) => [k, fromFlat(v.data, v.shape, { dtype, backend: cpu })]))

/** Largest |got − want| / max(1, |want|) over every parameter. */
const worstError = (got: Record<string, Tensor>, want: Record<string, Flat>): number =>
  Math.max(
    ...Object.entries(want).flatMap(([k, v]) => {
      const g = got[k]?.toFlat() ?? []
      return v.data.map((w, i) => Math.abs((g[i] ?? Number.NaN) - w) / Math.max(1, Math.abs(w)))
    }),
  )

const replay = (run: Run, dtype: DType): number => {
  const spec = recurOf[run.case]
  if (spec === undefined) throw new Error(`no recur transformation for fixture case ${run.case}`)
  const opt = spec.make(spec.lr)
  let params: Record<string, Tensor> = treeOf(run.init, dtype)
  let state: TreeT = opt.init(params)
  let worst = 0
  run.steps.forEach((step) => {
    const [updates, next] = opt.update(treeOf(step.grads, dtype), state, params)
    params = applyUpdates(params, updates)
    state = next
    worst = Math.max(worst, worstError(params, step.params))
  })
  return worst
}

const worstByCase: Record<string, number> = {}
afterAll(() => {
  const lines = Object.entries(worstByCase).map(([k, v]) => `  ${k.padEnd(28)} ${v.toExponential(2)}`)
  process.stdout.write(
    `torch.optim parity (torch ${fixture.torch}), worst relative error over 10 steps × 2 problems, float64:\n${lines.join('\n')}\n`,
  )
})

describe('torch.optim parity', () => {
  it('has a recur transformation for every fixture case', () => {
    expect(fixture.runs.length).toBeGreaterThan(0)
    expect(fixture.runs.filter((r) => recurOf[r.case] === undefined).map((r) => r.case)).toEqual([])
  })

  it.each(fixture.runs.map((r) => [`${r.case} on ${r.problem}`, r] as const))('%s: float64, step for step', (_, run) => {
    const worst = replay(run, 'float64')
    worstByCase[run.case] = Math.max(worstByCase[run.case] ?? 0, worst)
    expect(worst).toBeLessThanOrEqual(1e-12)
  })

  it.each(fixture.runs.map((r) => [`${r.case} on ${r.problem}`, r] as const))('%s: float32 within 1e-5', (_, run) => {
    expect(replay(run, 'float32')).toBeLessThanOrEqual(1e-5)
  })

  it.each(Object.keys(recurOf))("%s: the rate at each step is the PyTorch scheduler's", (name) => {
    const run = fixture.runs.find((r) => r.case === name)
    const lr = recurOf[name]?.lr ?? 0
    run?.steps.forEach((step, k) => {
      expect(Math.abs(rateAt(lr, k) - step.lr)).toBeLessThanOrEqual(1e-15)
    })
  })
})

describe('the quadratic problem', () => {
  it('gives PyTorch its gradients, so the fixture problem is the one described', () => {
    const f64 = (data: number[], shape: number[]) => fromFlat(data, shape, { dtype: 'float64', backend: cpu })
    const a = f64([2.0, 0.3, 0.1, 0.3, 1.5, -0.2, 0.1, -0.2, 1.0], [3, 3])
    const b = f64([0.5, -0.25, 0.125], [3])
    const d = f64([1.0, 2.0, 0.5, 3.0], [2, 2])
    const t = f64([-0.2, 0.4, 0.6, -1.0], [2, 2])
    const loss = (p: Record<string, Tensor>): Tensor => {
      const x = p.x ?? b
      const ax = sum(mul(a, x), { axes: 1 })
      return add(sub(mul(sum(mul(x, ax)), 0.5), sum(mul(b, x))), mul(sum(mul(d, square(sub(p.W ?? t, t)))), 0.5))
    }
    const run = fixture.runs.find((r) => r.problem === 'quadratic')
    run?.steps.forEach((step, k) => {
      const at = treeOf(k === 0 ? run.init : (run.steps[k - 1]?.params ?? run.init), 'float64')
      expect(worstError(grad(loss)(at), step.grads)).toBeLessThanOrEqual(1e-14)
    })
  })
})
