/**
 * `customVjp`: a function with a hand-written pullback equals the plain function in value, in
 * reverse mode (where its `bwd` runs, once per pullback, as one node), in forward mode (where the
 * plain function is differentiated), and nested: hvp (forward over reverse) and grad of grad see
 * outer tracers flow through the residuals and `bwd`; outer tracers may be closed over; tracers of
 * the recording transformation may not (a clear error), and escaped tracers are errors.
 *
 * Derivatives of the custom and the plain function differ by reassociation only (a few float64
 * ulps per operation): we allow 1e-12·max(1, |expected|).
 *
 * Reproduce a run with FC_SEED=<seed printed below>; FC_RUNS sets the runs per property.
 */
import { fc, test } from '@fast-check/vitest'
import { cpu } from '@recur/backend-cpu'
import { describe, expect, it } from 'vitest'
import * as R from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 30)
process.stdout.write(`customVjp: seed ${seed}, ${numRuns} runs per property\n`)

const o = { backend: cpu, dtype: 'float64' } as const
const rand = (shape: number[], k: number) => R.Random.uniform(R.Random.key(k), shape, { ...o, min: -1, max: 1 })
const close = (a: R.Tensor, b: R.Tensor, tol = 1e-12) => {
  expect(a.shape).toEqual(b.shape)
  const want = b.toFlat()
  for (const [i, g] of a.toFlat().entries()) {
    const w = want[i] ?? Number.NaN
    expect(Math.abs(g - w)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)))
  }
}

/** The plain function: `tanh(x·w)`, x `(N, I)`, w `(I, K)` → `(N, K)`. */
const plain = (x: R.Tensor, w: R.Tensor): R.Tensor => R.tanh(R.matmul(x, w))

/** The same with a hand-written pullback; `calls` counts the runs of `bwd`. */
const custom = (calls = { bwd: 0 }, scale = 1) =>
  R.customVjp(plain, {
    fwd: (x: R.Tensor, w: R.Tensor) => {
      const y = plain(x, w)
      return [y, [x, w, y]] as const
    },
    bwd: ([x, w, y]: readonly [R.Tensor, R.Tensor, R.Tensor], ct: R.Tensor) => {
      calls.bwd++
      const dpre = R.mul(R.mul(ct, R.sub(1, R.mul(y, y))), scale)
      return [R.matmul(dpre, w, { transposeB: true }), R.matmul(x, dpre, { transposeA: true })] as [R.Tensor, R.Tensor]
    },
  })

interface Problem {
  readonly x: R.Tensor
  readonly w: R.Tensor
  readonly u: R.Tensor
  readonly v: { readonly x: R.Tensor; readonly w: R.Tensor }
}

const problem: fc.Arbitrary<Problem> = fc
  .record({
    n: fc.integer({ min: 1, max: 4 }),
    i: fc.integer({ min: 1, max: 4 }),
    k: fc.integer({ min: 1, max: 4 }),
    salt: fc.integer({ min: 1, max: 2 ** 20 }),
  })
  .map(({ n, i, k, salt }) => ({
    x: rand([n, i], salt),
    w: rand([i, k], salt + 1),
    u: rand([n, k], salt + 2),
    v: { x: rand([n, i], salt + 3), w: rand([i, k], salt + 4) },
  }))

/** A scalar loss of the layer's output, so that second derivatives are not trivial. */
const loss =
  (layer: (x: R.Tensor, w: R.Tensor) => R.Tensor, u: R.Tensor) =>
  (p: { readonly x: R.Tensor; readonly w: R.Tensor }): R.Tensor =>
    R.sum(R.mul(R.sin(layer(p.x, p.w)), u))

describe('customVjp', () => {
  test.prop([problem], { seed, numRuns })('values equal the plain function, untraced and under jvp', ({ x, w, v }) => {
    close(custom()(x, w), plain(x, w), 0)
    const [y, dy] = R.jvp(custom(), [x, w], [v.x, v.w])
    const [y0, dy0] = R.jvp(plain, [x, w], [v.x, v.w])
    close(y, y0, 0)
    close(dy, dy0, 0)
  })

  test.prop([problem], { seed, numRuns })('reverse mode runs bwd once and equals the plain gradient', ({ x, w, u }) => {
    const calls = { bwd: 0 }
    const g = R.grad(loss(custom(calls), u))({ x, w })
    const g0 = R.grad(loss(plain, u))({ x, w })
    expect(calls.bwd).toBe(1)
    close(g.x, g0.x)
    close(g.w, g0.w)
  })

  it('reverse mode uses bwd, not the derivative of f (a doubled bwd doubles the gradient)', () => {
    const [x, w, u] = [rand([3, 2], 1), rand([2, 4], 2), rand([3, 4], 3)]
    const g = R.grad(loss(custom({ bwd: 0 }, 2), u))({ x, w })
    const g0 = R.grad(loss(plain, u))({ x, w })
    close(g.w, R.mul(g0.w, 2))
    // forward mode differentiates f itself, so the doubled bwd does not show there
    const [, dy] = R.jvp(custom({ bwd: 0 }, 2), [x, w], [x, w])
    close(dy, R.jvp(plain, [x, w], [x, w])[1], 0)
  })

  it('bwd is told which arguments are differentiated (the others are constants)', () => {
    const [x, w] = [rand([2, 3], 13), rand([3, 2], 14)]
    const seen: (readonly boolean[])[] = []
    const layer = R.customVjp(plain, {
      fwd: (a: R.Tensor, b: R.Tensor) => [plain(a, b), [a, b]] as const,
      bwd: ([a, b]: readonly [R.Tensor, R.Tensor], _ct: R.Tensor, wanted: readonly boolean[]) => {
        seen.push(wanted)
        return [R.zerosLike(a), R.zerosLike(b)] as [R.Tensor, R.Tensor]
      },
    })
    R.grad((q: R.Tensor) => R.sum(layer(x, q)))(w)
    R.grad((a: R.Tensor) => R.sum(layer(a, w)))(x)
    R.grad((a: R.Tensor, q: R.Tensor) => R.sum(layer(a, q)), { argnums: [0, 1] })(x, w)
    expect(seen).toEqual([
      [false, true],
      [true, false],
      [true, true],
    ])
  })

  test.prop([problem], { seed, numRuns })('second order: hvp and grad of grad equal the plain function', ({ x, w, u, v }) => {
    const h = R.hvp(loss(custom(), u), { x, w }, v)
    const h0 = R.hvp(loss(plain, u), { x, w }, v)
    close(h.x, h0.x)
    close(h.w, h0.w)
    const gg = (layer: (x: R.Tensor, w: R.Tensor) => R.Tensor) =>
      R.grad((p: { readonly x: R.Tensor; readonly w: R.Tensor }) => {
        const g = R.grad(loss(layer, u))(p)
        return R.add(R.sum(R.mul(g.x, v.x)), R.sum(R.mul(g.w, v.w)))
      })({ x, w })
    const [a, b] = [gg(custom()), gg(plain)]
    close(a.x, b.x)
    close(a.w, b.w)
  })

  test.prop([problem], { seed, numRuns })('tracers of outer transformations may be closed over', ({ x, w, u }) => {
    // d/ds of the gradient wrt x of Σ sin(tanh(x·(s·w)))·u, with s closed over by f, fwd and bwd
    const outer = (useCustom: boolean) =>
      R.grad((s: R.Tensor) => {
        const ws = R.mul(w, s)
        const f = (a: R.Tensor) => plain(a, ws)
        const layer = useCustom
          ? R.customVjp(f, {
              fwd: (a: R.Tensor) => [f(a), f(a)] as const,
              bwd: (y: R.Tensor, ct: R.Tensor) =>
                [R.matmul(R.mul(ct, R.sub(1, R.mul(y, y))), ws, { transposeB: true })] as [R.Tensor],
            })
          : f
        const gx = R.grad((a: R.Tensor) => R.sum(R.mul(R.sin(layer(a)), u)))(x)
        return R.sum(R.mul(gx, gx))
      })(R.scalar(0.7, o))
    close(outer(true), outer(false))
  })

  it('runs inside scan and checkpoint: gradients equal the plain step', () => {
    const [w, xs, h0] = [rand([3, 3], 4), rand([5, 2, 3], 5), rand([2, 3], 6)]
    const run = (step: (h: R.Tensor, w: R.Tensor) => R.Tensor, wrap: boolean) =>
      R.grad((q: R.Tensor) => {
        const f = (h: R.Tensor, x: R.Tensor) => {
          const next = step(R.add(h, x), q)
          return [next, next] as const
        }
        return R.sum(R.square(R.scan(wrap ? R.checkpoint(f) : f, h0, xs)[1]))
      })(w)
    close(run(custom(), false), run(plain, false))
    close(run(custom(), true), run(plain, false))
  })

  it('a closed-over tracer of the recording (or a newer) transformation is an error naming the call', () => {
    const [x, w] = [rand([2, 2], 7), rand([2, 2], 8)]
    const closing = (q: R.Tensor) =>
      R.customVjp((a: R.Tensor) => plain(a, q), {
        fwd: (a: R.Tensor) => [plain(a, q), a] as const,
        bwd: (a: R.Tensor, ct: R.Tensor) => [R.mul(ct, a)] as [R.Tensor],
      })
    const message = /customVjp: the forward function uses a value traced by vjp call #\d+ that is not one of its arguments/
    // the argument and the closed-over weight traced by the same grad
    expect(() => R.grad((p: { readonly a: R.Tensor; readonly q: R.Tensor }) => R.sum(closing(p.q)(p.a)))({ a: x, q: w })).toThrow(
      message,
    )
    // the weight traced by an inner grad, the argument only by the outer one
    expect(() => R.grad((a: R.Tensor) => R.sum(R.grad((q: R.Tensor) => R.sum(closing(q)(a)))(w)))(x)).toThrow(
      /customVjp: the forward function uses a value traced by vjp call #\d+/,
    )
    // no traced argument: f runs as it is, and the closed-over weight is differentiated through it
    close(R.grad((q: R.Tensor) => R.sum(closing(q)(x)))(w), R.grad((q: R.Tensor) => R.sum(plain(x, q)))(w), 0)
  })

  it('escaped tracers are errors, in the arguments and after the call', () => {
    const [x, w] = [rand([2, 2], 9), rand([2, 2], 10)]
    let leaked: R.Tensor | undefined
    R.grad((q: R.Tensor) => {
      leaked = custom()(x, q)
      return R.sum(leaked)
    })(w)
    const kept = leaked ?? x
    expect(() => R.exp(kept)).toThrow(/exp: escaped tracer/)
    expect(() => custom()(kept, w)).toThrow(/customVjp: escaped tracer/)
  })

  it('a bwd result that does not match the arguments is an error naming both', () => {
    const [x, w] = [rand([2, 3], 11), rand([3, 2], 12)]
    const bad = R.customVjp(plain, {
      fwd: (a: R.Tensor, b: R.Tensor) => [plain(a, b), a] as const,
      bwd: (a: R.Tensor, ct: R.Tensor) => [ct, a] as [R.Tensor, R.Tensor],
    })
    expect(() => R.grad((q: R.Tensor) => R.sum(bad(x, q)))(w)).toThrow(
      /customVjp: bwd result must match the arguments in structure, shape and dtype: bwd result\[0\] has shape \[2, 2\] where the arguments has \[2, 3\]/,
    )
  })
})
