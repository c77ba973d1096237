/**
 * A fast-check arbitrary of {@link KernelCase}s for every kernel of the `Backend` interface. The
 * record is keyed by kernel name, so a kernel added to the interface without a case here is a
 * compile error.
 *
 * @since 0.1.0
 */
import {
  argReduceOps,
  type Backend,
  binaryOps,
  compareOps,
  type Operand,
  type ReadonlyData,
  reduceOps,
  type Shape,
  Shapes,
  unaryOps,
} from '@recur/core'
import fc from 'fast-check'
import { dtype, indicesOf, operandOf, showOperand, value } from '../arbitraries/operand.js'
import { broadcastShapes, shape, shapeWithAxes } from '../arbitraries/shape.js'
import type { KernelCase, KernelName } from './KernelCase.js'

const abs = (x: Operand): Operand => ({
  ...x,
  data:
    x.dtype === 'float32'
      ? Float32Array.from(Array.from({ length: x.data.length }, (_, i) => Math.abs(x.data[i] ?? 0)))
      : Float64Array.from(Array.from({ length: x.data.length }, (_, i) => Math.abs(x.data[i] ?? 0))),
})

const at = (s: Shape, axis: number, d: number): Shape => s.map((x, i) => (i === axis ? d : x))

/** A shape of rank ≥ 1 and an axis of it whose dimension is at least 1. */
const shapeAndAxis = fc.tuple(shape({ minRank: 1, maxRank: 3 }), fc.nat()).map(([s, r]) => {
  const axis = r % s.length
  return { shape: at(s, axis, Math.max(1, s[axis] ?? 1)), axis }
})

/** A random permutation of `0..rank-1`. */
const permutation = (rank: number): fc.Arbitrary<number[]> =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: rank, maxLength: rank }).map((keys) =>
    keys
      .map((k, i) => [k, i] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map(([, i]) => i),
  )

const unary = fc
  .tuple(fc.constantFrom(...unaryOps), dtype, shape())
  .chain(([op, d, s]) =>
    operandOf(s, d).map(
      (x): KernelCase => ({ kernel: 'unary', dtype: d, args: `${op}, ${showOperand(x)}`, run: (b) => b.unary(op, x) }),
    ),
  )

/** Cases for a kernel of two broadcast operands of one dtype and an op from `ops`. */
const twoInputs = <Op extends string>(
  kernel: KernelName,
  ops: readonly Op[],
  call: (be: Backend, op: Op, a: Operand, b: Operand, out: Shape) => ReadonlyData,
): fc.Arbitrary<KernelCase> =>
  fc.tuple(fc.constantFrom(...ops), dtype, broadcastShapes(2)).chain(([op, d, { out, inputs }]) =>
    fc.tuple(operandOf(inputs[0] ?? [], d), operandOf(inputs[1] ?? [], d)).map(
      ([a, b]): KernelCase => ({
        kernel,
        dtype: d,
        args: `${op}, ${showOperand(a)}, ${showOperand(b)}, [${out.join(',')}]`,
        run: (be) => call(be, op, a, b, out),
      }),
    ),
  )

const where = fc.tuple(dtype, dtype, broadcastShapes(3)).chain(([dc, d, { out, inputs }]) =>
  fc
    .tuple(
      operandOf(inputs[0] ?? [], dc, { integers: true, bound: 1 }),
      operandOf(inputs[1] ?? [], d),
      operandOf(inputs[2] ?? [], d),
    )
    .map(
      ([c, a, b]): KernelCase => ({
        kernel: 'where',
        dtype: d,
        args: `${showOperand(c)}, ${showOperand(a)}, ${showOperand(b)}`,
        run: (be) => be.where(c, a, b, out),
      }),
    ),
)

const reduce = fc.tuple(fc.constantFrom(...reduceOps), dtype, shapeWithAxes()).chain(([wanted, d, { shape: s, axes }]) => {
  const op = (wanted === 'max' || wanted === 'min') && axes.some((a) => s[a] === 0) ? 'sum' : wanted
  const terms = axes.reduce((n, a) => n * (s[a] ?? 1), 1)
  return operandOf(s, d).map(
    (x): KernelCase => ({
      kernel: 'reduce',
      dtype: d,
      args: `${op}, ${showOperand(x)}, [${axes.join(',')}]`,
      run: (b) => b.reduce(op, x, axes),
      ...(op === 'sum' || op === 'prod' ? { accumulation: { terms, scale: (b: Backend) => b.reduce(op, abs(x), axes) } } : {}),
    }),
  )
})

const argReduce = fc.tuple(fc.constantFrom(...argReduceOps), dtype, shapeAndAxis).chain(([op, d, { shape: s, axis }]) =>
  operandOf(s, d, { integers: true, bound: 2 }).map(
    (x): KernelCase => ({
      kernel: 'argReduce',
      dtype: d,
      args: `${op}, ${showOperand(x)}, ${axis}`,
      run: (b) => b.argReduce(op, x, axis),
    }),
  ),
)

const matmul = fc
  .record({
    d: dtype,
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
    const out = [...batch.out, m, n]
    return fc.tuple(operandOf(aShape, d), operandOf(bShape, d)).map(
      ([a, b]): KernelCase => ({
        kernel: 'matmul',
        dtype: d,
        args: `${showOperand(a)}, ${showOperand(b)}, ${ta}, ${tb}, [${out.join(',')}]`,
        run: (be) => be.matmul(a, b, ta, tb, out),
        accumulation: { terms: k, scale: (be) => be.matmul(abs(a), abs(b), ta, tb, out) },
      }),
    )
  })

const transpose = fc.tuple(dtype, shape()).chain(([d, s]) =>
  fc.tuple(operandOf(s, d), permutation(s.length)).map(
    ([x, perm]): KernelCase => ({
      kernel: 'transpose',
      dtype: d,
      args: `${showOperand(x)}, [${perm.join(',')}]`,
      run: (b) => b.transpose(x, perm),
    }),
  ),
)

const reshape = fc.tuple(dtype, shape()).chain(([d, s]) =>
  operandOf(s, d).map(
    (x): KernelCase => ({
      kernel: 'reshape',
      dtype: d,
      args: `${showOperand(x)}, [${Shapes.size(s)}]`,
      run: (b) => b.reshape(x, [Shapes.size(s)]),
    }),
  ),
)

const slice = fc.tuple(dtype, shape()).chain(([d, s]) =>
  fc
    .tuple(
      operandOf(s, d),
      fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), {
        minLength: s.length,
        maxLength: s.length,
      }),
    )
    .map(([x, fr]): KernelCase => {
      const begin = s.map((dim, i) => Math.min(dim, Math.floor((fr[i]?.[0] ?? 0) * (dim + 1))))
      const size = s.map((dim, i) => Math.min(dim - (begin[i] ?? 0), Math.floor((fr[i]?.[1] ?? 0) * (dim - (begin[i] ?? 0) + 1))))
      return {
        kernel: 'slice',
        dtype: d,
        args: `${showOperand(x)}, [${begin.join(',')}], [${size.join(',')}]`,
        run: (b) => b.slice(x, begin, size),
      }
    }),
)

const pad = fc.tuple(dtype, shape({ maxRank: 3 })).chain(([d, s]) =>
  fc.tuple(operandOf(s, d), fc.array(fc.tuple(fc.nat(2), fc.nat(2)), { minLength: s.length, maxLength: s.length }), value(d)).map(
    ([x, pads, v]): KernelCase => ({
      kernel: 'pad',
      dtype: d,
      args: `${showOperand(x)}, ${JSON.stringify(pads)}, ${v}`,
      run: (b) => b.pad(x, pads, v),
    }),
  ),
)

const concat = fc
  .tuple(dtype, shapeAndAxis, fc.array(fc.nat(3), { minLength: 1, maxLength: 3 }))
  .chain(([d, { shape: s, axis }, dims]) =>
    fc.tuple(...dims.map((n) => operandOf(at(s, axis, n), d))).map(
      (xs): KernelCase => ({
        kernel: 'concat',
        dtype: d,
        args: `[${xs.map(showOperand).join(', ')}], ${axis}`,
        run: (b) => b.concat(xs, axis),
      }),
    ),
  )

const gather = fc.tuple(dtype, dtype, shapeAndAxis, shape({ maxRank: 2 })).chain(([d, di, { shape: s, axis }, is]) =>
  fc.tuple(operandOf(s, d), indicesOf(is, s[axis] ?? 1, di)).map(
    ([x, idx]): KernelCase => ({
      kernel: 'gather',
      dtype: d,
      args: `${showOperand(x)}, ${showOperand(idx)}, ${axis}`,
      run: (b) => b.gather(x, idx, axis),
    }),
  ),
)

const scatterAdd = fc.tuple(dtype, dtype, shapeAndAxis, shape({ maxRank: 2 })).chain(([d, di, { shape: out, axis }, is]) => {
  const updatesShape = [...out.slice(0, axis), ...is, ...out.slice(axis + 1)]
  return fc.tuple(operandOf(updatesShape, d), indicesOf(is, out[axis] ?? 1, di)).map(
    ([u, idx]): KernelCase => ({
      kernel: 'scatterAdd',
      dtype: d,
      args: `${showOperand(u)}, ${showOperand(idx)}, ${axis}, [${out.join(',')}]`,
      run: (b) => b.scatterAdd(u, idx, axis, out),
      accumulation: { terms: Shapes.size(is), scale: (b) => b.scatterAdd(abs(u), idx, axis, out) },
    }),
  )
})

const oneHot = fc.tuple(dtype, dtype, shape({ maxRank: 2 }), fc.integer({ min: 1, max: 5 })).chain(([d, di, s, depth]) =>
  indicesOf(s, depth, di).map(
    (idx): KernelCase => ({
      kernel: 'oneHot',
      dtype: d,
      args: `${showOperand(idx)}, ${depth}, ${d}`,
      run: (b) => b.oneHot(idx, depth, d),
    }),
  ),
)

const cast = fc
  .tuple(dtype, dtype, shape())
  .chain(([from, to, s]) =>
    operandOf(s, from, { bound: 1e6 }).map(
      (x): KernelCase => ({ kernel: 'cast', dtype: to, args: `${showOperand(x)}, ${to}`, run: (b) => b.cast(x, to) }),
    ),
  )

const fill = fc
  .tuple(dtype, shape(), fc.oneof(value('float64'), fc.double()))
  .map(
    ([d, s, v]): KernelCase => ({ kernel: 'fill', dtype: d, args: `[${s.join(',')}], ${d}, ${v}`, run: (b) => b.fill(s, d, v) }),
  )

/**
 * Generated calls of every kernel, with shapes including scalars and size-0/size-1 dimensions,
 * broadcasting in every position, both dtypes, and rare special values.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const kernelCases: { readonly [K in KernelName]: fc.Arbitrary<KernelCase> } = {
  unary,
  binary: twoInputs('binary', binaryOps, (be, op, a, b, out) => be.binary(op, a, b, out)),
  compare: twoInputs('compare', compareOps, (be, op, a, b, out) => be.compare(op, a, b, out)),
  where,
  reduce,
  argReduce,
  matmul,
  transpose,
  reshape,
  slice,
  pad,
  concat,
  gather,
  scatterAdd,
  oneHot,
  cast,
  fill,
}
