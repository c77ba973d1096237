/**
 * Kernel cases for the accumulating kernels `reduce` and `matmul`: general calls (every op, every
 * axis set, transposes, broadcast batches, empty dimensions) and, one case in four, a cancelling
 * sum or product of rows `[s, t, −s]` (see `cancelling`) that separates float64 from float32
 * accumulation.
 *
 * @since 0.1.0
 */
import { type Backend, type Operand, reduceOps, type Shape } from '@recur/core'
import fc from 'fast-check'
import { showOperand } from '../arbitraries/operand.js'
import { broadcastShapes, shapeWithAxes } from '../arbitraries/shape.js'
import { type KernelCase, kernelCase } from './KernelCase.js'
import { absOperand, cancelling, type Dt, onesOperand, spreadOperand } from './operands.js'

const reduceCase = (x: Operand, op: (typeof reduceOps)[number], axes: readonly number[]): KernelCase => {
  const terms = axes.reduce((n, a) => n * (x.shape[a] ?? 1), 1)
  return kernelCase({
    kernel: 'reduce',
    dtype: x.dtype,
    args: `${op}, ${showOperand(x)}, [${axes.join(',')}]`,
    inputs: [x],
    run: (b) => b.reduce(op, x, axes),
    ...(op === 'sum' || op === 'prod'
      ? { accumulation: { terms, scale: (b: Backend) => b.reduce(op, absOperand(x), axes) } }
      : {}),
  })
}

const generalReduce = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc.tuple(fc.constantFrom(...reduceOps), dt, shapeWithAxes()).chain(([wanted, d, { shape: s, axes }]) => {
    const op = (wanted === 'max' || wanted === 'min') && axes.some((a) => s[a] === 0) ? 'sum' : wanted
    return spreadOperand(s, d).map((x) => reduceCase(x, op, axes))
  })

const cancellingSum = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc
    .tuple(dt, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }))
    .chain(([d, rows, groups]) => cancelling(rows, groups, d).map((x) => reduceCase(x, 'sum', [1])))

const matmulCase = (a: Operand, b: Operand, ta: boolean, tb: boolean, out: Shape): KernelCase =>
  kernelCase({
    kernel: 'matmul',
    dtype: a.dtype,
    args: `${showOperand(a)}, ${showOperand(b)}, ${ta}, ${tb}, [${out.join(',')}]`,
    inputs: [a, b],
    run: (be) => be.matmul(a, b, ta, tb, out),
    accumulation: {
      terms: (ta ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1]) ?? 0,
      scale: (be) => be.matmul(absOperand(a), absOperand(b), ta, tb, out),
    },
  })

const generalMatmul = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc
    .record({
      d: dt,
      m: fc.nat(13),
      n: fc.nat(13),
      k: fc.nat(13),
      ta: fc.boolean(),
      tb: fc.boolean(),
      batch: broadcastShapes(2, { maxRank: 2, maxDim: 3 }),
    })
    .chain(({ d, m, n, k, ta, tb, batch }) => {
      const rank = batch.out.length
      const pad = (s: Shape): Shape => [...new Array<number>(rank - s.length).fill(1), ...s]
      const aShape = [...pad(batch.inputs[0] ?? []), ...(ta ? [k, m] : [m, k])]
      const bShape = [...pad(batch.inputs[1] ?? []), ...(tb ? [n, k] : [k, n])]
      return fc
        .tuple(spreadOperand(aShape, d), spreadOperand(bShape, d))
        .map(([a, b]) => matmulCase(a, b, ta, tb, [...batch.out, m, n]))
    })

const cancellingMatmul = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc
    .tuple(dt, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }))
    .chain(([d, m, groups, n]) =>
      cancelling(m, groups, d).map((a) => matmulCase(a, onesOperand(3 * groups, n, d), false, false, [m, n])),
    )

/**
 * `reduce` cases: three general ones for one cancelling sum.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const reduceCases = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc.oneof({ weight: 3, arbitrary: generalReduce(dt) }, { weight: 1, arbitrary: cancellingSum(dt) })

/**
 * `matmul` cases: three general ones for one cancelling product.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const matmulCases = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc.oneof({ weight: 3, arbitrary: generalMatmul(dt) }, { weight: 1, arbitrary: cancellingMatmul(dt) })
