import { cpu } from '@recur/backend-cpu'
import { describe, expect, it } from 'vitest'
import * as R from '../src/index.js'

const o = { backend: cpu, dtype: 'float64' } as const
const t = (v: R.Nested) => R.tensor(v, o)
const xs = t([
  [1, 2],
  [3, 4],
  [5, 6],
  [7, 8],
])
const cell = (w: R.Tensor) => (h: R.Tensor, x: R.Tensor) => {
  const next = R.tanh(R.add(R.mul(h, w), R.mul(x, 0.1)))
  return [next, R.sum(next)] as const
}
const loop = (w: R.Tensor, h0: R.Tensor, seq: readonly R.Tensor[]) => {
  let h = h0
  const ys: R.Tensor[] = []
  for (const x of seq) {
    const [n, y] = cell(w)(h, x)
    h = n
    ys.push(y)
  }
  return [h, R.stack(ys)] as const
}

describe('scan', () => {
  it('equals the reference loop, and stacks outputs along a new leading axis', () => {
    const w = t([0.5, -0.3])
    const [hT, ys] = R.scan(cell(w), R.zeros([2], o), xs)
    const [h2, ys2] = loop(w, R.zeros([2], o), R.unstack(xs))
    expect(hT.toFlat()).toEqual(h2.toFlat())
    expect(ys.shape).toEqual([4])
    expect(ys.toFlat()).toEqual(ys2.toFlat())
  })

  it('reverse runs from the last step and keeps outputs in time order', () => {
    const w = t([0.5, -0.3])
    const [hT, ys] = R.scan(cell(w), R.zeros([2], o), xs, { reverse: true })
    const [h2, ys2] = loop(w, R.zeros([2], o), R.unstack(xs).reverse())
    expect(hT.toFlat()).toEqual(h2.toFlat())
    expect(ys.toFlat()).toEqual(ys2.toFlat().reverse())
  })

  it('threads trees and runs on length alone', () => {
    const [c, ys] = R.scan((acc: { n: R.Tensor }) => [{ n: R.add(acc.n, 1) }, acc.n] as const, { n: t(0) }, undefined, {
      length: 3,
    })
    expect(c.n.item()).toBe(3)
    expect(ys.toFlat()).toEqual([0, 1, 2])
  })

  it('with zero steps returns init and empty outputs of the right shape', () => {
    const [c, ys] = R.scan(cell(t([1, 1])), R.zeros([2], o), R.zeros([0, 2], o))
    expect(c.toFlat()).toEqual([0, 0])
    expect(ys.shape).toEqual([0])
  })

  it('BPTT equals the gradient of the unrolled loop', () => {
    const w = t([0.5, -0.3])
    const viaScan = R.grad((v: R.Tensor) => R.sum(R.scan(cell(v), R.zeros([2], o), xs)[1]))(w)
    const viaLoop = R.grad((v: R.Tensor) => R.sum(loop(v, R.zeros([2], o), R.unstack(xs))[1]))(w)
    expect(viaScan.toFlat()).toEqual(viaLoop.toFlat())
  })

  it('truncate ≥ T is full BPTT; truncate = 1 is the one-step gradient', () => {
    const w = t([0.5, -0.3])
    const loss = (v: R.Tensor, truncate?: number) =>
      R.sum(R.scan(cell(v), R.zeros([2], o), xs, truncate === undefined ? {} : { truncate })[1])
    const full = R.grad((v: R.Tensor) => loss(v))(w).toFlat()
    expect(R.grad((v: R.Tensor) => loss(v, 4))(w).toFlat()).toEqual(full)
    expect(R.grad((v: R.Tensor) => loss(v, 9))(w).toFlat()).toEqual(full)
    // By hand: with the carry cut before every step, d/dw Σ_t sum(tanh(h_{t-1}·w + 0.1·x_t)) = Σ_t (1 − h_t²)·h_{t-1}.
    const [, hs] = R.scan(
      (h: R.Tensor, x: R.Tensor) => {
        const n = cell(w)(h, x)[0]
        return [n, n] as const
      },
      R.zeros([2], o),
      xs,
    )
    const hList = R.unstack(hs)
    const byHand = [0, 1].map((j) =>
      hList.reduce((acc, h, k) => acc + (1 - (h.toFlat()[j] ?? 0) ** 2) * (k === 0 ? 0 : (hList[k - 1]?.toFlat()[j] ?? 0)), 0),
    )
    const one = R.grad((v: R.Tensor) => loss(v, 1))(w).toFlat()
    for (const [j, g] of one.entries()) expect(g).toBeCloseTo(byHand[j] ?? Number.NaN, 14)
    const two = R.grad((v: R.Tensor) => loss(v, 2))(w).toFlat()
    expect(two).not.toEqual(full)
    expect(two).not.toEqual(one)
  })

  it('checkpointed segments give the plain gradient, also in forward-over-reverse', () => {
    const w = t([0.5, -0.3])
    const loss = (v: R.Tensor, checkpoint?: number | boolean) =>
      R.sum(R.scan(cell(v), R.zeros([2], o), xs, checkpoint === undefined ? {} : { checkpoint })[1])
    const plain = R.grad((v: R.Tensor) => loss(v))(w).toFlat()
    for (const ck of [1, 2, 3, true] as const) {
      const g = R.grad((v: R.Tensor) => loss(v, ck))(w).toFlat()
      for (const [i, x] of g.entries()) expect(x).toBeCloseTo(plain[i] ?? Number.NaN, 15)
    }
    const h1 = R.hvp((v: R.Tensor) => loss(v), w, t([1, 0])).toFlat()
    const h2 = R.hvp((v: R.Tensor) => loss(v, 2), w, t([1, 0])).toFlat()
    for (const [i, x] of h2.entries()) expect(x).toBeCloseTo(h1[i] ?? Number.NaN, 14)
  })

  it('forward mode carries tangents through time', () => {
    const w = t([0.5, -0.3])
    const f = (v: R.Tensor) => R.sum(R.scan(cell(v), R.zeros([2], o), xs)[1])
    const [, d] = R.jvp(f, [w], [t([1, 0])])
    const g = R.grad(f)(w)
    expect(d.item()).toBeCloseTo(g.toFlat()[0] ?? Number.NaN, 14)
  })

  it('names the step and the path when the carry changes type', () => {
    expect(() =>
      R.scan((c: { h: R.Tensor }, x: R.Tensor) => [{ h: R.concat([c.h, x]) }, x] as const, { h: R.zeros([2], o) }, xs),
    ).toThrow('scan: step 0: the carry returned by f differs from init: carry.h changed shape from [2] to [4]')
    expect(() => R.scan((c: R.Tensor, x: R.Tensor) => [R.cast(c, 'float32'), x] as const, R.zeros([2], o), xs)).toThrow(
      'scan: step 0: the carry returned by f differs from init: carry changed dtype from float64 to float32',
    )
    expect(() =>
      R.scan((c: { h: R.Tensor }, x: R.Tensor) => [{ h: c.h, extra: x }, x] as const, { h: R.zeros([2], o) }, xs),
    ).toThrow(
      'scan: step 0: the carry returned by f differs from init: carry has keys [h] in one tree and [extra, h] in the other',
    )
  })

  it('rejects xs whose leaves disagree on the number of steps', () => {
    expect(() =>
      R.scan((c: R.Tensor) => [c, c] as const, R.zeros([1], o), { a: R.zeros([3, 1], o), b: R.zeros([4], o) }),
    ).toThrow('scan: xs.b has 4 steps along axis 0 but xs.a has 3')
    expect(() => R.scan((c: R.Tensor) => [c, c] as const, R.zeros([1], o), undefined)).toThrow(
      'options.length must give the number of steps',
    )
  })
})
