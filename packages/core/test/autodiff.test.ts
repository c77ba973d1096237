/**
 * The transformations on known functions: values, derivatives, nesting, trees, and errors. The
 * generic laws (finite differences, transpose, linearity) over every primitive and over random
 * programs are in @recur/testing's law suite.
 */
import { cpu } from '@recur/backend-cpu'
import { describe, expect, it } from 'vitest'
import * as R from '../src/index.js'

const o = { backend: cpu, dtype: 'float64' } as const
const s = (v: number) => R.tensor(v, o)
const t = (v: R.Nested) => R.tensor(v, o)
const close = (a: R.Tensor, b: readonly number[], tol = 1e-12) => {
  const got = a.toFlat()
  expect(got).toHaveLength(b.length)
  for (const [i, g] of got.entries())
    expect(Math.abs(g - (b[i] ?? Number.NaN))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i] ?? 0)))
}

describe('jvp', () => {
  it('gives the value and the directional derivative', () => {
    const x = t([0.3, -1.2, 2])
    const [y, dy] = R.jvp((a: R.Tensor) => R.tanh(a), [x], [t([1, 2, 3])])
    close(y, x.toFlat().map(Math.tanh))
    close(
      dy,
      x.toFlat().map((v, i) => (1 - Math.tanh(v) ** 2) * (i + 1)),
    )
  })

  it('takes and returns trees', () => {
    const p = { w: t([1, 2]), b: s(3) }
    const [y, dy] = R.jvp((q: typeof p) => ({ out: R.add(R.mul(q.w, q.w), q.b) }), [p], [{ w: t([1, 0]), b: s(1) }])
    close(y.out, [4, 7])
    close(dy.out, [3, 1])
  })

  it('gives zero tangents for outputs that do not depend on the input', () => {
    const [, dy] = R.jvp((_: R.Tensor) => t([5, 6]), [s(1)], [s(1)])
    close(dy, [0, 0])
  })

  it('rejects tangents that do not match the primals', () => {
    expect(() => R.jvp((a: R.Tensor) => a, [t([1, 2])], [t([1, 2, 3])])).toThrow(
      'jvp: tangents must match the primals in structure, shape and dtype: tangents[0] has shape [3] where the primals has [2]',
    )
  })
})

describe('vjp and grad', () => {
  it('pulls cotangents back to every argument', () => {
    const a = t([
      [1, 2],
      [3, 4],
    ])
    const b = t([
      [0.5, -1],
      [2, 1],
    ])
    const [y, pullback] = R.vjp((x: R.Tensor, w: R.Tensor) => R.matmul(x, w), [a, b])
    close(y, [4.5, 1, 9.5, 1])
    const [ga, gb] = pullback(R.onesLike(y))
    close(ga, [-0.5, 3, -0.5, 3])
    close(gb, [4, 4, 6, 6])
  })

  it('grad keeps the type of its argument and accepts argnums', () => {
    const params = { w: t([1, 2, 3]), b: s(0.5) }
    const loss = (p: typeof params, x: R.Tensor) => R.sum(R.square(R.add(R.mul(p.w, x), p.b)))
    const g = R.grad(loss)(params, t([1, 1, 1]))
    close(g.w, [3, 5, 7])
    close(g.b, [15])
    const [gp, gx] = R.grad(loss, { argnums: [0, 1] as const })(params, t([1, 1, 1]))
    close(gp.b, [15])
    close(gx, [3, 10, 21])
    const [value] = R.valueAndGrad(loss)(params, t([1, 1, 1]))
    expect(value.item()).toBe(1.5 ** 2 + 2.5 ** 2 + 3.5 ** 2)
  })

  it('gives zeros for an unused argument and broadcast-correct gradients', () => {
    close(R.grad((_a: R.Tensor, b: R.Tensor) => R.sum(b))(t([1, 2]), t([3])), [0, 0])
    close(
      R.grad((b: R.Tensor) =>
        R.sum(
          R.add(
            t([
              [1, 2],
              [3, 4],
            ]),
            b,
          ),
        ),
      )(t([[10], [20]])),
      [2, 2],
    )
  })

  it('refuses non-scalar outputs and non-tensor outputs with a clear message', () => {
    expect(() => R.grad((a: R.Tensor) => a)(t([1, 2]))).toThrow(
      'grad: f must return a scalar tensor (shape []), got shape [2]; reduce it (e.g. sum or mean) or use vjp',
    )
    expect(() => Reflect.apply(R.grad, undefined, [(a: R.Tensor) => [a]])(t([1]))).toThrow(
      'grad: f must return a scalar tensor, got an array',
    )
    expect(() => R.grad((a: R.Tensor) => R.sum(a), { argnums: 2 })(t([1]))).toThrow(
      'grad: argnums 2 is out of range for 1 argument(s)',
    )
  })

  it('stopGradient and comparisons pass no gradient', () => {
    close(R.grad((a: R.Tensor) => R.sum(R.mul(a, R.stopGradient(a))))(t([2, 3])), [2, 3])
    close(R.grad((a: R.Tensor) => R.sum(R.mul(R.greater(a, 0), a)))(t([-1, 2])), [0, 1])
  })

  it('maximum splits the gradient evenly at ties, as PyTorch', () => {
    close(R.grad((a: R.Tensor) => R.sum(R.maximum(a, 1)))(t([1, 2, 0])), [0.5, 1, 0])
    close(R.grad((a: R.Tensor) => R.max(a))(t([3, 1, 3])), [0.5, 0, 0.5])
  })

  it('prod refuses to differentiate through a zero rather than return garbage', () => {
    close(R.grad((a: R.Tensor) => R.prod(a))(t([2, 3, 4])), [12, 8, 6])
    expect(() => R.grad((a: R.Tensor) => R.prod(a))(t([2, 0]))).toThrow(
      /prod: the derivative of a product over an input containing 0/,
    )
  })

  it('a tracer used after its transformation returned is an escaped tracer', () => {
    let leaked: R.Tensor | undefined
    R.grad((a: R.Tensor) => {
      leaked = a
      return R.sum(a)
    })(t([1]))
    expect(() => R.exp(leaked as R.Tensor)).toThrow(
      /exp: escaped tracer: this value was traced by vjp call #\d+, which has already returned/,
    )
  })
})

describe('nesting', () => {
  it('has no perturbation confusion', () => {
    // d/dx [x · d/dy (x + y)] = 1 and d/dx [x · d/dy x] = 0, at any x
    for (const x0 of [-2, 0.5, 3]) {
      const inner = (x: R.Tensor) => R.jvp((y: R.Tensor) => R.add(x, y), [s(7)], [s(1)])[1]
      expect(R.jvp((x: R.Tensor) => R.mul(x, inner(x)), [s(x0)], [s(1)])[1].item()).toBe(1)
      const inner0 = (x: R.Tensor) => R.jvp((_y: R.Tensor) => x, [s(7)], [s(1)])[1]
      expect(R.jvp((x: R.Tensor) => R.mul(x, inner0(x)), [s(x0)], [s(1)])[1].item()).toBe(0)
      const innerG = (x: R.Tensor) => R.grad((y: R.Tensor) => R.add(x, y))(s(7))
      expect(R.grad((x: R.Tensor) => R.mul(x, innerG(x)))(s(x0)).item()).toBe(1)
    }
  })

  it('grad of grad gives analytic second derivatives', () => {
    const d2 = (f: (a: R.Tensor) => R.Tensor, x: number) => R.grad((a: R.Tensor) => R.grad(f)(a))(s(x)).item()
    const th = Math.tanh(0.7)
    const sg = 1 / (1 + Math.exp(-0.7))
    expect(d2(R.tanh, 0.7)).toBeCloseTo(-2 * th * (1 - th * th), 14)
    expect(d2(R.sigmoid, 0.7)).toBeCloseTo(sg * (1 - sg) * (1 - 2 * sg), 14)
    expect(d2(R.exp, 0.7)).toBeCloseTo(Math.exp(0.7), 14)
    expect(d2(R.log, 0.7)).toBeCloseTo(-1 / 0.49, 13)
  })

  it('hvp is forward over reverse', () => {
    const f = (v: R.Tensor) => R.sum(R.mul(R.mul(v, v), R.sin(v)))
    const x = t([0.3, -1, 2])
    const hv = R.hvp(f, x, t([1, 0, 0]))
    const d2 = (v: number) => 2 * Math.sin(v) + 4 * v * Math.cos(v) - v * v * Math.sin(v)
    close(hv, [d2(0.3), 0, 0], 1e-12)
  })

  it('reverse over forward and forward over forward agree', () => {
    const f = (v: R.Tensor) => R.tanh(R.mul(v, v))
    const fwd = (x: R.Tensor) => R.jvp(f, [x], [s(1)])[1]
    const a = R.grad(fwd)(s(0.4)).item()
    const b = R.jvp(fwd, [s(0.4)], [s(1)])[1].item()
    expect(Math.abs(a - b)).toBeLessThan(1e-14)
  })
})

describe('checkpoint', () => {
  it('gives the plain gradient, including for values the function closes over', () => {
    const w = t([
      [0.5, -0.2],
      [0.1, 0.3],
    ])
    const body = (v: R.Tensor, h: R.Tensor) => R.tanh(R.add(R.matmul(h, v), 0.1))
    const loss = (v: R.Tensor, ck: boolean) => {
      const f = (h: R.Tensor) => body(v, h)
      const g = ck ? R.checkpoint(f) : f
      return R.sum(g(g(t([[1, 2]]))))
    }
    const plain = R.grad((v: R.Tensor) => loss(v, false))(w)
    const ck = R.grad((v: R.Tensor) => loss(v, true))(w)
    close(ck, plain.toFlat(), 1e-15)
  })
})
