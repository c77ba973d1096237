/**
 * Nested differentiation: no perturbation confusion whichever transformations nest (jvp in jvp,
 * grad in grad, and both mixed), second derivatives equal the analytic ones, Hessians are
 * symmetric, and Hessian-vector products agree with central differences of gradients and with
 * reverse over forward.
 *
 * Reproduce a run with FC_SEED=<seed printed below>; FC_RUNS sets the runs per property.
 */
import { fc, test } from '@fast-check/vitest'
import type { Tensor, TreeT } from '@recur/core'
import * as core from '@recur/core'
import { describe, expect } from 'vitest'
import { programCase } from '../../src/arbitraries/programs.js'
import { shape } from '../../src/arbitraries/shape.js'
import { between, catalogShapes, fromPool, pool } from '../../src/laws/catalog/index.js'
import { hessianIsSymmetric, hvpMatchesFiniteDifferences } from '../../src/laws/hessian.js'
import { runProgram } from '../../src/laws/program.js'
import { maxAbsDiff, showTree } from '../../src/laws/tree.js'
import { reference } from '../../src/reference.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 100)
process.stdout.write(`nested differentiation: seed ${seed}, ${numRuns} runs per property\n`)
const options = { seed, numRuns }

const tensorIn = (lo: number, hi: number) =>
  fc.tuple(shape(catalogShapes), pool(between(lo, hi))).map(([s, p]) => fromPool(reference, s, p))
const ones = (x: Tensor): Tensor => core.onesLike(x)

/** d/dy g(y) at y0, along ones (elementwise functions of y: the derivative of each element). */
type Derivative = (g: (y: Tensor) => Tensor, y0: Tensor) => Tensor
const byJvp: Derivative = (g, y0) => core.jvp(g, [y0], [ones(y0)])[1]
const byGrad: Derivative = (g, y0) => core.grad((y: Tensor) => core.sum(g(y)))(y0)
const ways = [
  ['jvp', byJvp],
  ['grad', byGrad],
] as const

describe('no perturbation confusion', () => {
  for (const [outerName, outer] of ways) {
    for (const [innerName, inner] of ways) {
      for (const at of ['a constant', 'x itself'] as const) {
        const y0 = (x: Tensor, c: Tensor): Tensor => (at === 'x itself' ? x : c)
        const label = `${outerName} over ${innerName}, inner derivative at ${at}`
        test.prop([tensorIn(-3, 3), tensorIn(-3, 3)], options)(`d/dx [x · d/dy (x + y)] = 1: ${label}`, (x0, c0) => {
          const c = core.broadcastTo(c0.rank === 0 ? c0 : core.sum(c0), x0.shape)
          const d = outer(
            (x) =>
              core.mul(
                x,
                inner((y) => core.add(x, y), y0(x, c)),
              ),
            x0,
          )
          expect(d.toFlat()).toEqual(x0.toFlat().map(() => 1))
        })
        test.prop([tensorIn(-3, 3), tensorIn(-3, 3)], options)(`d/dx [x · d/dy x] = 0: ${label}`, (x0, c0) => {
          const c = core.broadcastTo(c0.rank === 0 ? c0 : core.sum(c0), x0.shape)
          const d = outer(
            (x) =>
              core.mul(
                x,
                inner(() => x, y0(x, c)),
              ),
            x0,
          )
          expect(d.toFlat().map((v) => v + 0)).toEqual(x0.toFlat().map(() => 0))
        })
        test.prop([tensorIn(-3, 3), tensorIn(-3, 3)], options)(`d/dx [x · d/dy (x · y)] = 2x: ${label}`, (x0, c0) => {
          const c = core.broadcastTo(c0.rank === 0 ? c0 : core.sum(c0), x0.shape)
          const d = outer(
            (x) =>
              core.mul(
                x,
                inner((y) => core.mul(x, y), y0(x, c)),
              ),
            x0,
          )
          expect(d.toFlat()).toEqual(x0.toFlat().map((v) => 2 * v))
        })
      }
    }
  }
})

describe('grad of grad equals the analytic second derivative', () => {
  const second = (f: (x: Tensor) => Tensor) => core.grad((x: Tensor) => core.sum(core.grad((y: Tensor) => core.sum(f(y)))(x)))
  const cases = [
    ['tanh', core.tanh, (x: number) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2), -3, 3],
    ['sigmoid', core.sigmoid, (x: number) => ((s) => s * (1 - s) * (1 - 2 * s))(1 / (1 + Math.exp(-x))), -3, 3],
    ['exp', core.exp, Math.exp, -3, 3],
    ['log', core.log, (x: number) => -1 / (x * x), 0.5, 3],
  ] as const
  for (const [name, f, d2, lo, hi] of cases) {
    test.prop([tensorIn(lo, hi)], options)(name, (x) => {
      const got = second(f)(x).toFlat()
      const want = x.toFlat().map(d2)
      // The second derivative is a handful of operations on one value: 1e-13, relative to max(1, |f″|).
      got.forEach((g, i) => {
        const w = want[i] ?? Number.NaN
        expect(Math.abs(g - w)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(w)))
      })
    })
  }
})

/** A scalar of a random program: the sum of all its outputs. */
const scalarOf =
  (f: (xs: readonly Tensor[]) => TreeT) =>
  (xs: readonly Tensor[]): Tensor =>
    core.Tree.leaves(f(xs)).reduce(
      (acc: Tensor, leaf) => core.add(acc, core.sum(leaf)),
      core.zeros([], { backend: reference, dtype: 'float64' }),
    )

const small = programCase(reference, { maxDim: 2, maxRank: 2 })
const directions = fc.tuple(small, pool(between(-1, 1))).map(([c, p]) => {
  const v = c.primals.map((x, i) => fromPool(reference, x.shape, p, 'float64', 5 * i))
  return { ...c, v, [fc.toStringMethod]: () => `${c.name}\n  at ${showTree(c.primals, 'x')}; v = ${showTree(v, 'v')}` }
})

describe('Hessians of random programs', () => {
  test.prop([small], options)('are symmetric (built column by column with hvp)', (c) => {
    expect(
      hessianIsSymmetric(
        scalarOf((xs) => runProgram(c.program, xs)),
        c.primals,
      ),
    ).toBeUndefined()
  })
  test.prop([directions], options)('hvp matches central differences of the gradient', (c) => {
    expect(
      hvpMatchesFiniteDifferences(
        scalarOf((xs) => runProgram(c.program, xs)),
        c.primals,
        c.v,
      ),
    ).toBeUndefined()
  })
  test.prop([directions], options)('hvp (forward over reverse) equals reverse over forward', (c) => {
    const f = scalarOf((xs) => runProgram(c.program, xs))
    const forwardOverReverse = core.hvp(f, c.primals, c.v)
    const reverseOverForward = core.grad((xs: readonly Tensor[]) => core.jvp(f, [xs], [c.v])[1])(c.primals)
    const diff = maxAbsDiff(forwardOverReverse, reverseOverForward)
    const scale = Math.max(1, ...core.Tree.leaves(forwardOverReverse).flatMap((l) => l.toFlat().map(Math.abs)))
    expect(diff === undefined || diff.diff <= 1e-10 * scale ? undefined : diff).toBeUndefined()
  })
})
