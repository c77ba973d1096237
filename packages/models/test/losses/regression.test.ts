/**
 * Regression and distribution losses against PyTorch 1.13 (values quoted from
 * `torch.nn.functional` in float64 on the same inputs) and against hand computation.
 */
import { grad, logSoftmax, type Tensor } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { hinge, huber, klDivergence, logCosh, mae, mse, quantile } from '../../src/losses/index.js'
import { expectClose, f64 } from './helpers.js'

const a = f64([
  [0.5, -1.2, 3.0],
  [0.1, 0.0, -2.5],
])
const b = f64([
  [0.0, 1.0, 1.0],
  [0.3, -0.7, -0.4],
])
const diffs = [0.5, -2.2, 2.0, -0.2, 0.7, -2.1]

describe('mse and mae', () => {
  it('match F.mse_loss and F.l1_loss', () => {
    expectClose(mse(a, b), 2.3383333333333334)
    expectClose(mae(a, b), 1.2833333333333334)
    expectClose(
      mse(a, b, { reduction: 'none' }),
      diffs.map((d) => d * d),
      1e-15,
    )
    expectClose(mae(a, b, { reduction: 'sum' }), 6 * 1.2833333333333334)
  })
})

describe('huber', () => {
  it('matches F.huber_loss for δ = 1 and δ = 0.5', () => {
    expectClose(
      huber(a, b, { reduction: 'none' }),
      [0.125, 1.7000000000000002, 1.5, 0.019999999999999997, 0.24499999999999997, 1.6],
    )
    expectClose(huber(a, b, { delta: 0.5 }), 0.5241666666666667)
  })

  it('is continuous at |x| = δ with slope δ beyond', () => {
    const at = (x: number) => huber(f64([x]), f64([0]), { delta: 0.7, reduction: 'sum' }).item()
    expect(at(0.7)).toBeCloseTo(0.5 * 0.49, 15)
    expect(at(0.7 + 1e-9) - at(0.7)).toBeCloseTo(0.7e-9, 15)
    expectClose(
      grad((x: Tensor) => huber(x, f64([0, 0, 0]), { delta: 0.7, reduction: 'sum' }))(f64([0.3, 2, -5])),
      [0.3, 0.7, -0.7],
      1e-15,
    )
  })
})

describe('logCosh', () => {
  it('is log(cosh(x)) with gradient tanh(x)', () => {
    const x = f64(diffs)
    const zero = f64(diffs.map(() => 0))
    expectClose(
      logCosh(x, zero, { reduction: 'none' }),
      diffs.map((d) => Math.log(Math.cosh(d))),
      1e-15,
    )
    expectClose(grad((p: Tensor) => logCosh(p, zero, { reduction: 'sum' }))(x), diffs.map(Math.tanh), 1e-15)
  })

  it('stays finite where cosh overflows: log cosh(1000) = 1000 − log 2', () => {
    expectClose(logCosh(f64([1000, -1000]), f64([0, 0]), { reduction: 'none' }), [1000 - Math.LN2, 1000 - Math.LN2])
  })
})

describe('quantile', () => {
  it('charges q per unit of under-prediction and 1 − q per unit of over-prediction', () => {
    const r = diffs.map((d) => -d) // targets − predictions
    expectClose(
      quantile(a, b, { q: 0.9, reduction: 'none' }),
      r.map((v) => (v > 0 ? 0.9 * v : -0.1 * v)),
      1e-15,
    )
    expectClose(quantile(a, b, { q: 0.5 }), 0.5 * 1.2833333333333334, 1e-15)
  })
})

describe('hinge', () => {
  it('is max(0, 1 − y·ŷ)', () => {
    const s = f64([2.0, 0.3, -0.5, -3.0])
    const y = f64([1, 1, 1, -1])
    expectClose(hinge(s, y, { reduction: 'none' }), [0, 0.7, 1.5, 0])
    expectClose(grad((x: Tensor) => hinge(x, y, { reduction: 'sum' }))(s), [0, -1, -1, 0])
  })
})

describe('klDivergence', () => {
  const logQ = logSoftmax(
    f64([
      [0.2, 1.0, -0.3],
      [1.5, 0.0, 0.4],
    ]),
  )
  const p = f64([
    [0.0, 0.4, 0.6],
    [0.7, 0.3, 0.0],
  ])
  it("matches F.kl_div (pointwise, 'mean', 'sum'; 'batchmean' via perDistribution)", () => {
    expectClose(
      klDivergence(logQ, p, { reduction: 'none' }),
      [0.0, -0.1491540761032503, 0.7995479507100232, 0.05981099684305535, 0.2214439262451483, 0.0],
    )
    expectClose(klDivergence(logQ, p), 0.15527479961582943)
    expectClose(klDivergence(logQ, p, { reduction: 'sum' }), 0.9316487976949765)
    expectClose(klDivergence(logQ, p, { perDistribution: true }), 0.4658243988474883)
  })

  it('treats 0·log 0 as 0 in the gradient too', () => {
    const [gq, gp] = grad((q: Tensor, t: Tensor) => klDivergence(q, t, { reduction: 'sum' }), { argnums: [0, 1] as const })(
      logQ,
      p,
    )
    expectClose(
      gq,
      p.toFlat().map((v) => -v),
      1e-16,
    )
    expect(gp.toFlat().every(Number.isFinite)).toBe(true)
    expect(gp.toFlat()[0]).toBe(0)
  })
})
