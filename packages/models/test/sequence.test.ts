/**
 * The whole-sequence recurrences with a hand-written backward pass through time
 * (`cells/sequence.ts`) equal the step-by-step loop they replace — `scan` over the cell's
 * recurrent part, padding positions keeping the state — in values (exactly: same operations in
 * the same order), in reverse mode (every argument's cotangent), in forward mode, and to second
 * order (hvp), for LSTM with and without projection, the reset-after GRU and the Elman RNN (tanh,
 * relu), with and without bias, lengths masks, in both directions. Each weight gradient is formed
 * by one matmul.
 *
 * Derivatives differ from the tape's by reassociation only (the weight gradient is one sum over
 * L·N rows instead of L sums of N rows): we allow 1e-12·max(1, |expected|) in float64.
 *
 * Reproduce a run with FC_SEED=<seed printed below>; FC_RUNS sets the runs per property.
 */
import { fc, test } from '@fast-check/vitest'
import { cpu } from '@recur/backend-cpu'
import {
  add,
  type Backend,
  fromFlat,
  grad,
  hvp,
  jvp,
  mul,
  Random,
  scan,
  sin,
  square,
  sum,
  type Tensor,
  Tree,
  tanh,
  where,
} from '@recur/core'
import { describe, expect, it } from 'vitest'
import { gruSequence, lstmSequence, rnnSequence } from '../src/cells/sequence.js'
import { type CellParams, projectInput, recur, type State } from '../src/cells/step.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 25)
process.stdout.write(`fused sequence recurrences: seed ${seed}, ${numRuns} runs per property\n`)

const o = { backend: cpu, dtype: 'float64' } as const
const rand = (shape: number[], k: number, backend: Backend = cpu) =>
  Random.uniform(Random.key(k), shape, { backend, dtype: 'float64', min: -1, max: 1 })
const close = (a: Tensor, b: Tensor, tol = 1e-12) => {
  expect(a.shape).toEqual(b.shape)
  const want = b.toFlat()
  for (const [i, g] of a.toFlat().entries()) {
    const w = want[i] ?? Number.NaN
    expect(Math.abs(g - w)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)))
  }
}
const closeTrees = (a: Tree.Tree, b: Tree.Tree, tol?: number) => {
  const [xs] = Tree.flatten(a)
  const [ys] = Tree.flatten(b)
  expect(xs).toHaveLength(ys.length)
  for (const [i, x] of xs.entries()) close(x, ys[i] as Tensor, tol)
}

type Mode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU'
interface Problem {
  readonly mode: Mode
  readonly args: { readonly x: Tensor; readonly h0: Tensor; readonly c0: Tensor; readonly w: CellParams }
  readonly mask: Tensor | undefined
  readonly reverse: boolean
  readonly u: Tensor
  readonly v: Problem['args']
}

const problem: fc.Arbitrary<Problem> = fc
  .record({
    mode: fc.constantFrom<Mode>('LSTM', 'GRU', 'RNN_TANH', 'RNN_RELU'),
    L: fc.integer({ min: 1, max: 4 }),
    N: fc.integer({ min: 1, max: 3 }),
    I: fc.integer({ min: 1, max: 3 }),
    H: fc.integer({ min: 1, max: 3 }),
    P: fc.integer({ min: 0, max: 2 }),
    bias: fc.boolean(),
    lengths: fc.option(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 })),
    reverse: fc.boolean(),
    salt: fc.integer({ min: 1, max: 2 ** 20 }),
  })
  .map(({ mode, L, N, I, H, P, bias, lengths, reverse, salt }) => {
    const proj = mode === 'LSTM' ? P : 0
    const hOut = proj > 0 ? proj : H
    const G = (mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1) * H
    const args = (k: number) => ({
      x: rand([L, N, I], k),
      h0: rand([N, hOut], k + 1),
      c0: rand([N, H], k + 2),
      w: {
        weight_ih: rand([G, I], k + 3),
        weight_hh: rand([G, hOut], k + 4),
        ...(bias ? { bias_ih: rand([G], k + 5), bias_hh: rand([G], k + 6) } : {}),
        ...(proj > 0 ? { weight_hr: rand([proj, H], k + 7) } : {}),
      },
    })
    const lens = lengths?.slice(0, N).map((f) => 1 + Math.floor(f * (L - 1) + 0.5))
    const mask =
      lens === undefined
        ? undefined
        : fromFlat(
            Array.from({ length: L * N }, (_, k) => (Math.floor(k / N) < (lens[k % N] ?? 0) ? 1 : 0)),
            [L, N, 1],
            o,
          )
    return { mode, args: args(salt), mask, reverse, u: rand([L, N, hOut], salt + 8), v: args(salt + 10) }
  })

type Args = Problem['args']
type Run = (a: Args) => { readonly ys: Tensor; readonly h: Tensor; readonly c?: Tensor }

/** The new path. */
const fusedRun =
  (p: Problem): Run =>
  (a) =>
    p.mode === 'LSTM'
      ? lstmSequence(p.mask, p.reverse)(a.x, a.h0, a.c0, a.w)
      : p.mode === 'GRU'
        ? gruSequence(p.mask, p.reverse)(a.x, a.h0, a.w)
        : rnnSequence(p.mask, p.reverse, p.mode === 'RNN_RELU')(a.x, a.h0, a.w)

/** The model: the input projection, then scan over the cell's recurrent part, as the layer ran it before. */
const scanRun =
  (p: Problem): Run =>
  (a) => {
    const cell = recur(p.mode, true, a.w)
    const init: State = p.mode === 'LSTM' ? { h: a.h0, c: a.c0 } : { h: a.h0 }
    const L = a.x.shape[0] ?? 0
    const masks = p.mask ?? fromFlat(Array(L).fill(1), [L, 1, 1], o)
    const [final, ys] = scan(
      (s: State, { xp, m }: { xp: Tensor; m: Tensor }) => {
        const [next, y] = cell(s, xp)
        const kept: State =
          next.c === undefined || s.c === undefined
            ? { h: where(m, next.h, s.h) }
            : { h: where(m, next.h, s.h), c: where(m, next.c, s.c) }
        return [kept, where(m, y, 0)] as const
      },
      init,
      { xp: projectInput(a.w, a.x), m: masks },
      { reverse: p.reverse },
    )
    return final.c === undefined ? { ys, h: final.h } : { ys, h: final.h, c: final.c }
  }

/** A scalar of every result, with nonlinearities so that second derivatives are not trivial. */
const loss =
  (run: Run, u: Tensor) =>
  (a: Args): Tensor => {
    const r = run(a)
    const hs = add(sum(sin(mul(r.ys, u))), sum(square(r.h)))
    return r.c === undefined ? hs : add(hs, sum(tanh(r.c)))
  }

describe('fused sequence recurrences', () => {
  test.prop([problem], { seed, numRuns })('values equal the step-by-step loop exactly', (p) => {
    closeTrees(fusedRun(p)(p.args), scanRun(p)(p.args), 0)
  })

  test.prop([problem], { seed, numRuns })('reverse mode: every cotangent equals the tape BPTT', (p) => {
    closeTrees(grad(loss(fusedRun(p), p.u))(p.args), grad(loss(scanRun(p), p.u))(p.args))
  })

  test.prop([problem], { seed, numRuns })('forward mode and hvp equal the loop', (p) => {
    closeTrees(jvp(fusedRun(p), [p.args], [p.v])[1], jvp(scanRun(p), [p.args], [p.v])[1], 1e-12)
    closeTrees(hvp(loss(fusedRun(p), p.u), p.args, p.v), hvp(loss(scanRun(p), p.u), p.args, p.v), 1e-11)
  })

  test.prop([problem], { seed, numRuns })("a constant input: the weights' gradient equals the loop's", (p) => {
    const only = (run: Run) => grad((w: CellParams) => loss(run, p.u)({ ...p.args, w }))(p.args.w)
    closeTrees(only(fusedRun(p)), only(scanRun(p)))
  })

  it("the backward pass forms each weight gradient in one matmul, and skips a constant input's", () => {
    let matmuls = 0
    const counting: Backend = {
      ...cpu,
      matmul: (a, b, ta, tb, out) => {
        matmuls++
        return cpu.matmul(a, b, ta, tb, out)
      },
    }
    const [L, N, I, H] = [6, 2, 2, 3]
    const x = rand([L, N, I], 1, counting)
    const args = {
      x,
      h0: rand([N, H], 2, counting),
      c0: rand([N, H], 3, counting),
      w: { weight_ih: rand([4 * H, I], 4, counting), weight_hh: rand([4 * H, H], 5, counting) },
    }
    const run = (a: Args) => sum(lstmSequence(undefined, false)(a.x, a.h0, a.c0, a.w).ys)
    const count = (body: () => unknown) => {
      matmuls = 0
      body()
      return matmuls
    }
    // forward: the projection and one h·W_hhᵀ per step
    expect(count(() => run(args))).toBe(1 + L)
    // backward: dh = dG·W_hh per step, then ONE dW_hh = dGᵀ·H_prev and ONE dW_ih = dGᵀ·X (tape BPTT: L each), dx = dG·W_ih
    expect(count(() => grad(run)(args))).toBe(1 + L + L + 3)
    // the input a constant: no dx
    expect(count(() => grad((w: CellParams) => run({ ...args, w }))(args.w))).toBe(1 + L + L + 2)
  })
})
