/**
 * A fast-check arbitrary of {@link KernelCase}s for every kernel of the `Backend` interface. The
 * record is keyed by kernel name, so a kernel added to the interface without a case here is a
 * compile error. This module holds the elementwise kernels and `argReduce`; `accumulateCases.ts`
 * has `reduce` and `matmul`, `layoutCases.ts` the kernels that move, index or create elements.
 *
 * @since 0.1.0
 */
import {
  argReduceOps,
  type Backend,
  binaryOps,
  compareOps,
  type DType,
  type Operand,
  type ReadonlyData,
  type Shape,
  unaryOps,
} from '@recur/core'
import fc from 'fast-check'
import { operandOf, showOperand } from '../arbitraries/operand.js'
import { broadcastShapes, shape } from '../arbitraries/shape.js'
import { matmulCases, reduceCases } from './accumulateCases.js'
import { type KernelCase, type KernelName, kernelCase } from './KernelCase.js'
import { layoutCases } from './layoutCases.js'
import { type Dt, shapeAndAxis, spreadOperand } from './operands.js'

const unary = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc
    .tuple(fc.constantFrom(...unaryOps), dt, shape())
    .chain(([op, d, s]) =>
      spreadOperand(s, d).map((x) =>
        kernelCase({ kernel: 'unary', dtype: d, args: `${op}, ${showOperand(x)}`, inputs: [x], run: (b) => b.unary(op, x) }),
      ),
    )

/** Cases for a kernel of two broadcast operands of one dtype and an op from `ops`. */
const twoInputs =
  <Op extends string>(
    kernel: KernelName,
    ops: readonly Op[],
    call: (be: Backend, op: Op, a: Operand, b: Operand, out: Shape) => ReadonlyData,
  ) =>
  (dt: Dt): fc.Arbitrary<KernelCase> =>
    fc.tuple(fc.constantFrom(...ops), dt, broadcastShapes(2)).chain(([op, d, { out, inputs }]) =>
      fc.tuple(spreadOperand(inputs[0] ?? [], d), spreadOperand(inputs[1] ?? [], d)).map(([a, b]) =>
        kernelCase({
          kernel,
          dtype: d,
          args: `${op}, ${showOperand(a)}, ${showOperand(b)}, [${out.join(',')}]`,
          inputs: [a, b],
          run: (be) => call(be, op, a, b, out),
        }),
      ),
    )

const where = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc.tuple(dt, dt, broadcastShapes(3)).chain(([dc, d, { out, inputs }]) =>
    fc
      .tuple(
        operandOf(inputs[0] ?? [], dc, { integers: true, bound: 1 }),
        operandOf(inputs[1] ?? [], d),
        operandOf(inputs[2] ?? [], d),
      )
      .map(([c, a, b]) =>
        kernelCase({
          kernel: 'where',
          dtype: d,
          args: `${showOperand(c)}, ${showOperand(a)}, ${showOperand(b)}, [${out.join(',')}]`,
          inputs: [c, a, b],
          run: (be) => be.where(c, a, b, out),
        }),
      ),
  )

const argReduce = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc.tuple(fc.constantFrom(...argReduceOps), dt, shapeAndAxis).chain(([op, d, { shape: s, axis }]) =>
    operandOf(s, d, { integers: true, bound: 2 }).map((x) =>
      kernelCase({
        kernel: 'argReduce',
        dtype: d,
        args: `${op}, ${showOperand(x)}, ${axis}`,
        inputs: [x],
        run: (b) => b.argReduce(op, x, axis),
      }),
    ),
  )

/**
 * Generated calls of every kernel in the given dtypes (operands, indices and outputs), with shapes
 * including scalars and size-0/size-1 dimensions, broadcasting in every position, and rare special
 * values.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const kernelCasesOf = (
  dtypes: readonly DType[] = ['float32', 'float64'],
): { readonly [K in KernelName]: fc.Arbitrary<KernelCase> } => {
  if (dtypes.length === 0) throw new RangeError('kernelCasesOf: dtypes must not be empty')
  const dt = fc.constantFrom(...dtypes)
  return {
    unary: unary(dt),
    binary: twoInputs('binary', binaryOps, (be, op, a, b, out) => be.binary(op, a, b, out))(dt),
    compare: twoInputs('compare', compareOps, (be, op, a, b, out) => be.compare(op, a, b, out))(dt),
    where: where(dt),
    reduce: reduceCases(dt),
    argReduce: argReduce(dt),
    matmul: matmulCases(dt),
    ...layoutCases(dt),
  }
}

/**
 * Generated calls of every kernel, in both dtypes: {@link kernelCasesOf} with its defaults.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const kernelCases: { readonly [K in KernelName]: fc.Arbitrary<KernelCase> } = kernelCasesOf()
