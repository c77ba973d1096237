/**
 * The whole-sequence recurrence primitives (`lstmRecurrence`, `gruRecurrence` and their backward
 * primitives), on cpu in float64 (whose fused kernels do not include the recurrences, so the
 * primitives run their composed definitions) and on cpu without any fused kernel:
 *
 * - the forward primitives equal a step loop written here from the cell primitives, both
 *   directions, with no steps too;
 * - the backward primitives equal reverse mode through the forward definition: `d xp`, `dh0`,
 *   `dc0` are its cotangents for `xp`, `h0`, `c0`, and the weight and bias gradients the caller
 *   forms from them (`d gatesᵀ·h_prev`, `Σ d hp`) are its cotangents for `w_hh` and `b_hh`;
 * - the primitives' own derivative rules (through the composed definitions) satisfy
 *   ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩, and second order (hvp) runs through them;
 * - bad shapes are errors that name the primitive and the argument.
 *
 * Tolerance: float64, 1e-12·max(1, max|expected|) — the two sides differ by reassociation only.
 * Reproduce a run with FC_SEED=<seed printed below>; FC_RUNS sets the runs per property.
 */
import { fc, test } from '@fast-check/vitest'
import { cpu } from '@recur/backend-cpu'
import { describe, expect, it } from 'vitest'
import * as R from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 25)
process.stdout.write(`recurrence primitives: seed ${seed}, ${numRuns} runs per property\n`)

const { fused: _kernels, ...required } = cpu
const backends: readonly R.Backend[] = [cpu, { ...required, name: 'cpu without fused kernels' }]

interface Sizes {
  readonly l: number
  readonly n: number
  readonly h: number
  readonly reverse: boolean
  readonly salt: number
}

const sizes: fc.Arbitrary<Sizes> = fc.record({
  l: fc.integer({ min: 0, max: 4 }),
  n: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 1, max: 4 }),
  reverse: fc.boolean(),
  salt: fc.integer({ min: 1, max: 2 ** 20 }),
})

/** A tensor of `shape` with values spread over (−scale, scale) by a hash of `salt` and `k`. */
const spread = (backend: R.Backend, shape: readonly number[], salt: number, k: number, scale = 1): R.Tensor => {
  const n = shape.reduce((a, b) => a * b, 1)
  const values = Array.from({ length: n }, (_, i) => scale * Math.sin(salt * 7919 + k * 15485863 + i * 104729 + 0.5))
  return R.fromFlat(values, shape, { backend, dtype: 'float64' })
}

const close = (actual: R.Tensor, expected: R.Tensor): void => {
  expect(actual.shape).toEqual(expected.shape)
  const a = actual.toTypedArray()
  const e = expected.toTypedArray()
  const scale = Math.max(1, ...Array.from(e, Math.abs))
  const diff = Math.max(0, ...Array.from(a, (v, i) => Math.abs(v - (e[i] ?? Number.NaN))))
  expect(diff, `max |Δ| with scale ${scale}`).toBeLessThanOrEqual(1e-12 * scale)
}

const order = (l: number, reverse: boolean): number[] => Array.from({ length: l }, (_, k) => (reverse ? l - 1 - k : k))

/** The step loop, from the cell primitives: [ys, last h, last c]. */
const lstmLoop = (x: R.Tensor, wi: R.Tensor, w: R.Tensor, b: R.Tensor, h0: R.Tensor, c0: R.Tensor, reverse: boolean) => {
  const xs = R.unstack(x)
  const ys: R.Tensor[] = []
  let [h, c] = [h0, c0]
  for (const t of order(xs.length, reverse)) {
    const xp = R.matmul(xs[t] as R.Tensor, wi, { transposeB: true })
    ;[h, c] = R.lstmGates(R.add(R.add(xp, R.matmul(h, w, { transposeB: true })), b), c)
    ys[t] = h
  }
  return { ys, h, c }
}

const gruLoop = (x: R.Tensor, wi: R.Tensor, w: R.Tensor, bi: R.Tensor, b: R.Tensor, h0: R.Tensor, reverse: boolean) => {
  const xs = R.unstack(x)
  const ys: R.Tensor[] = []
  let h = h0
  for (const t of order(xs.length, reverse)) {
    const xp = R.add(R.matmul(xs[t] as R.Tensor, wi, { transposeB: true }), bi)
    h = R.gruGates(xp, R.add(R.matmul(h, w, { transposeB: true }), b), h)
    ys[t] = h
  }
  return { ys, h }
}

/** The states each step read: `(L, N, H)`, h0 at the first step processed. */
const previous = (ys: R.Tensor, h0: R.Tensor, reverse: boolean): R.Tensor => {
  const hs = R.unstack(ys)
  const l = hs.length
  return R.stack(hs.map((_, t) => (reverse ? (t === l - 1 ? h0 : hs[t + 1]) : t === 0 ? h0 : hs[t - 1]) as R.Tensor))
}

/** `dys` plus `dh` at the last step processed. */
const withFinal = (dys: R.Tensor, dh: R.Tensor, reverse: boolean): R.Tensor => {
  const parts = R.unstack(dys)
  const last = reverse ? 0 : parts.length - 1
  return R.stack(parts.map((p, t) => (t === last ? R.add(p, dh) : p)))
}

const outer = (a: R.Tensor, b: R.Tensor): R.Tensor => {
  const rows = (x: R.Tensor) => R.reshape(x, [(x.shape[0] ?? 0) * (x.shape[1] ?? 0), x.shape[2] ?? 0])
  return R.matmul(rows(a), rows(b), { transposeA: true })
}

const I = 3

describe.each(backends)('recurrence primitives on $name', (backend) => {
  const lstmInputs = ({ l, n, h, salt }: Sizes) =>
    [
      spread(backend, [l, n, I], salt, 0, 2),
      spread(backend, [4 * h, I], salt, 8),
      spread(backend, [4 * h, h], salt, 1),
      spread(backend, [4 * h], salt, 7),
      spread(backend, [n, h], salt, 2),
      spread(backend, [n, h], salt, 3),
    ] as const
  const gruInputs = ({ l, n, h, salt }: Sizes) =>
    [
      spread(backend, [l, n, I], salt, 0, 2),
      spread(backend, [3 * h, I], salt, 8),
      spread(backend, [3 * h, h], salt, 1),
      spread(backend, [3 * h], salt, 7),
      spread(backend, [3 * h], salt, 2),
      spread(backend, [n, h], salt, 3),
    ] as const
  const stackOr = (ys: readonly R.Tensor[], shape: readonly number[]) =>
    ys.length === 0 ? R.zeros(shape, { backend, dtype: 'float64' }) : R.stack(ys)

  test.prop([sizes], { seed, numRuns })('lstmRecurrence is the step loop, with and without residuals', (z) => {
    const { l, n, h, reverse } = z
    const inputs = lstmInputs(z)
    const [ys, cs, gates] = R.lstmRecurrence(...inputs, { reverse })
    const loop = lstmLoop(...inputs, reverse)
    expect(gates.shape).toEqual([l, n, 4 * h])
    expect(cs.shape).toEqual([l, n, h])
    close(ys, stackOr(loop.ys, [0, n, h]))
    if (l > 0) close(R.unstack(cs)[reverse ? 0 : l - 1] as R.Tensor, loop.c)
    const [ys2, final, none] = R.lstmRecurrence(...inputs, { reverse, residuals: false })
    close(ys2, ys)
    close(final, R.reshape(loop.c, [1, n, h]))
    expect(none.shape).toEqual([0, n, 4 * h])
  })

  test.prop([sizes], { seed, numRuns })('lstmRecurrenceBackward is reverse mode through the recurrence', (z) => {
    const { l, n, h, reverse, salt } = z
    const inputs = lstmInputs(z)
    const [x, wi, w, , h0, c0] = inputs
    const [dys, dh, dc] = [
      spread(backend, [l, n, h], salt, 4),
      spread(backend, [n, h], salt, 5),
      spread(backend, [n, h], salt, 6),
    ]
    const [ys, cs, gates] = R.lstmRecurrence(...inputs, { reverse })
    const [dG, dh0, dc0, db] = R.lstmRecurrenceBackward(gates, cs, c0, w, dys, dh, dc, { reverse })
    const [, pullback] = R.vjp(
      (a: R.Tensor, b: R.Tensor, c: R.Tensor, d: R.Tensor, e: R.Tensor, f: R.Tensor) => {
        const loop = lstmLoop(a, b, c, d, e, f, reverse)
        return [stackOr(loop.ys, [0, n, h]), loop.c]
      },
      [...inputs],
    )
    const [ex, ewi, ew, eb, eh, ec] = pullback([l === 0 ? dys : withFinal(dys, dh, reverse), dc])
    close(db, eb as R.Tensor)
    close(dc0, ec as R.Tensor)
    close(dh0, l === 0 ? dh : (eh as R.Tensor))
    if (l === 0) return
    close(R.matmul(dG, wi), ex as R.Tensor)
    close(outer(dG, x), ewi as R.Tensor)
    close(outer(dG, previous(ys, h0, reverse)), ew as R.Tensor)
  })

  test.prop([sizes], { seed, numRuns })('gruRecurrence is the step loop, with and without residuals', (z) => {
    const { l, n, h, reverse } = z
    const inputs = gruInputs(z)
    const [ys, xb, hp] = R.gruRecurrence(...inputs, { reverse })
    expect(xb.shape).toEqual([l, n, 3 * h])
    expect(hp.shape).toEqual([l, n, 3 * h])
    close(ys, stackOr(gruLoop(...inputs, reverse).ys, [0, n, h]))
    const [ys2, none, none2] = R.gruRecurrence(...inputs, { reverse, residuals: false })
    close(ys2, ys)
    expect([none.shape, none2.shape]).toEqual([
      [0, n, 3 * h],
      [0, n, 3 * h],
    ])
  })

  test.prop([sizes], { seed, numRuns })('gruRecurrenceBackward is reverse mode through the recurrence', (z) => {
    const { l, n, h, reverse, salt } = z
    const inputs = gruInputs(z)
    const [x, wi, w, , , h0] = inputs
    const [dys, dh] = [spread(backend, [l, n, h], salt, 4), spread(backend, [n, h], salt, 5)]
    const [ys, xb, hp] = R.gruRecurrence(...inputs, { reverse })
    const [dxb, dhp, dh0, dbi, dbh] = R.gruRecurrenceBackward(xb, hp, ys, h0, w, dys, dh, { reverse })
    if (l === 0) {
      close(dh0, dh)
      return
    }
    const [, pullback] = R.vjp(
      (a: R.Tensor, b: R.Tensor, c: R.Tensor, d: R.Tensor, e: R.Tensor, f: R.Tensor) =>
        R.stack(gruLoop(a, b, c, d, e, f, reverse).ys),
      [...inputs],
    )
    const [ex, ewi, ew, ebi, ebh, eh] = pullback(withFinal(dys, dh, reverse))
    close(R.matmul(dxb, wi), ex as R.Tensor)
    close(outer(dxb, x), ewi as R.Tensor)
    close(outer(dhp, previous(ys, h0, reverse)), ew as R.Tensor)
    close(dbi, ebi as R.Tensor)
    close(dbh, ebh as R.Tensor)
    close(dh0, eh as R.Tensor)
  })

  test.prop([sizes], { seed, numRuns: Math.max(5, numRuns >> 2) })(
    "the primitives' own rules: ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ and second order",
    (z) => {
      const { l, n, h, reverse, salt } = z
      const [x, wi, w, b, h0, c0] = lstmInputs(z)
      const f = (a: R.Tensor, ww: R.Tensor) => R.lstmRecurrence(a, wi, ww, b, h0, c0, { reverse })[0]
      const [va, vb] = [spread(backend, x.shape, salt, 11), spread(backend, w.shape, salt, 12)]
      const u = spread(backend, [l, n, h], salt, 9)
      const [, jv] = R.jvp(f, [x, w], [va, vb])
      const [, pullback] = R.vjp(f, [x, w])
      const [ua, ub] = pullback(u)
      const left = R.sum(R.mul(u, jv)).item()
      const right = R.add(R.sum(R.mul(ua as R.Tensor, va)), R.sum(R.mul(ub as R.Tensor, vb))).item()
      expect(Math.abs(left - right)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(left)))
      // second order: the Hessian-vector product of a scalar loss through the backward primitive
      const loss = (a: R.Tensor) => {
        const [ys, cs, gates] = R.lstmRecurrence(a, wi, w, b, h0, c0, { reverse })
        const [dG] = R.lstmRecurrenceBackward(gates, cs, c0, w, ys, R.zerosLike(h0), R.zerosLike(c0), { reverse })
        return R.sum(R.mul(dG, dG))
      }
      const hv = R.hvp(loss, x, va)
      const eps = 1e-5
      const g = (a: R.Tensor) => R.grad(loss)(a)
      const fd = R.div(R.sub(g(R.add(x, R.mul(va, eps))), g(R.sub(x, R.mul(va, eps)))), 2 * eps)
      const scale = Math.max(1, ...Array.from(fd.toTypedArray(), Math.abs))
      const diff = Math.max(0, ...Array.from(R.sub(hv, fd).toTypedArray(), Math.abs))
      expect(diff).toBeLessThanOrEqual(1e-6 * scale)
    },
  )
})

describe('recurrence shape errors', () => {
  const t = (shape: readonly number[]) => R.zeros(shape, { backend: cpu, dtype: 'float64' })
  it('names the primitive, the argument and the shapes', () => {
    expect(() => R.lstmRecurrence(t([2, 3, 5]), t([8, 5]), t([8, 3]), t([8]), t([3, 2]), t([3, 2]))).toThrow(
      /lstmRecurrence.*w_ih.*\[12, 5\].*\[8, 5\]/s,
    )
    expect(() => R.lstmRecurrence(t([2, 3, 5]), t([8, 4]), t([8, 2]), t([8]), t([3, 2]), t([3, 2]))).toThrow(
      /lstmRecurrence: w_ih must have shape \[8, 5\].*I = 5.*but it has \[8, 4\]/s,
    )
    expect(() => R.lstmRecurrence(t([2, 3, 5]), t([8, 5]), t([8, 2]), t([4]), t([3, 2]), t([3, 2]))).toThrow(
      /lstmRecurrence: b must have shape \[8\].*but it has \[4\]/s,
    )
    expect(() => R.gruRecurrence(t([2, 3, 5]), t([6, 5]), t([6, 2]), t([6]), t([5]), t([3, 2]))).toThrow(
      /gruRecurrence.*b_hh.*\[6\]/s,
    )
    expect(() =>
      R.gruRecurrenceBackward(t([2, 3, 6]), t([2, 3, 6]), t([2, 3, 2]), t([3, 2]), t([6, 2]), t([2, 3, 2]), t([4, 2])),
    ).toThrow(/gruRecurrenceBackward.*dh.*\[3, 2\].*\[4, 2\]/s)
    expect(() =>
      R.lstmRecurrenceBackward(t([2, 3, 7]), t([2, 3, 2]), t([3, 2]), t([8, 2]), t([2, 3, 2]), t([3, 2]), t([3, 2])),
    ).toThrow(/lstmRecurrenceBackward.*gates.*multiple of 4/s)
    expect(() => R.lstmRecurrence(t([3, 5]), t([8, 5]), t([8, 2]), t([8]), t([3, 2]), t([3, 2]))).toThrow(
      /lstmRecurrence.*x.*rank 2/s,
    )
  })
})
