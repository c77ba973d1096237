/**
 * `vjpWithAux` and `valueAndGradWithAux`: the auxiliary output comes back as plain values (usable
 * after the call, never an escaped tracer), is not differentiated, and the gradient equals the one
 * of the scalar alone; under an enclosing jvp the aux still carries the outer tangent.
 */
import { cpu } from '@recur/backend-cpu'
import { describe, expect, it } from 'vitest'
import * as R from '../src/index.js'

const o = { backend: cpu, dtype: 'float64' } as const
const t = (v: R.Nested) => R.tensor(v, o)

const lossAndState = (w: R.Tensor, x: R.Tensor): readonly [R.Tensor, { h: R.Tensor; n: R.Tensor }] => {
  const h = R.tanh(R.mul(w, x))
  return [R.sum(R.square(h)), { h, n: R.sum(h) }]
}

describe('valueAndGradWithAux', () => {
  it('returns the aux as values and the gradient of the scalar alone', () => {
    const w = t([0.5, -1, 2])
    const x = t([1, 2, -0.5])
    const [[value, aux], g] = R.valueAndGradWithAux(lossAndState)(w, x)
    const [v2, g2] = R.valueAndGrad((a: R.Tensor, b: R.Tensor) => lossAndState(a, b)[0])(w, x)
    expect(value.item()).toBe(v2.item())
    expect(g.toFlat()).toEqual(g2.toFlat())
    expect(aux.h.toFlat()).toEqual([0.5, -2, -1].map(Math.tanh))
    // the aux is a plain value: ops on it after the call do not throw "escaped tracer"
    expect(R.add(aux.h, aux.n).toFlat()).toHaveLength(3)
  })

  it('honours argnums', () => {
    const w = t([0.5, -1, 2])
    const x = t([1, 2, -0.5])
    const [, [gw, gx]] = R.valueAndGradWithAux(lossAndState, { argnums: [0, 1] as const })(w, x)
    const [gw2, gx2] = R.grad((a: R.Tensor, b: R.Tensor) => lossAndState(a, b)[0], { argnums: [0, 1] as const })(w, x)
    expect(gw.toFlat()).toEqual(gw2.toFlat())
    expect(gx.toFlat()).toEqual(gx2.toFlat())
  })

  it('nests under jvp: the aux carries the outer tangent', () => {
    const w = t([0.5, -1, 2])
    const x = t([1, 2, -0.5])
    const dx = t([1, 0, 0])
    // d/dx of the aux's n = Σ tanh(w·x) along dx is w₀·(1 − tanh²(w₀x₀))
    const [, dn] = R.jvp((xx: R.Tensor) => R.valueAndGradWithAux(lossAndState)(w, xx)[0][1].n, [x], [dx])
    expect(dn.item()).toBeCloseTo(0.5 * (1 - Math.tanh(0.5) ** 2), 14)
  })

  it('rejects a non-scalar first output', () => {
    expect(() => R.valueAndGradWithAux((w: R.Tensor) => [w, w] as const)(t([1, 2]))).toThrow(/scalar tensor/)
  })

  it('vjpWithAux pulls back the output only', () => {
    const w = t([0.5, -1, 2])
    const [y, pullback, aux] = R.vjpWithAux((a: R.Tensor) => [R.mul(a, 3), R.exp(a)] as const, [w])
    expect(y.toFlat()).toEqual([1.5, -3, 6])
    expect(aux.toFlat()).toEqual([0.5, -1, 2].map(Math.exp))
    expect(pullback(t([1, 1, 1]))[0].toFlat()).toEqual([3, 3, 3])
  })
})
