/**
 * Kernel cases for the kernels that move, index or create elements: `transpose`, `reshape`,
 * `slice`, `pad`, `concat`, `gather`, `scatterAdd`, `oneHot`, `cast` and `fill`.
 *
 * @since 0.1.0
 */
import { Shapes } from '@recur/core'
import fc from 'fast-check'
import { indicesOf, operandOf, showOperand, value } from '../arbitraries/operand.js'
import { shape } from '../arbitraries/shape.js'
import { type KernelCase, type KernelName, kernelCase } from './KernelCase.js'
import { absOperand, type Dt, shapeAndAxis, withDim } from './operands.js'

/** A random permutation of `0..rank-1`. */
const permutation = (rank: number): fc.Arbitrary<number[]> =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: rank, maxLength: rank }).map((keys) =>
    keys
      .map((k, i) => [k, i] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map(([, i]) => i),
  )

const fraction = fc.double({ min: 0, max: 1, noNaN: true })

const transpose = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc.tuple(dt, shape()).chain(([d, s]) =>
    fc.tuple(operandOf(s, d), permutation(s.length)).map(([x, perm]) =>
      kernelCase({
        kernel: 'transpose',
        dtype: d,
        args: `${showOperand(x)}, [${perm.join(',')}]`,
        inputs: [x],
        run: (b) => b.transpose(x, perm),
      }),
    ),
  )

const reshape = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc.tuple(dt, shape()).chain(([d, s]) =>
    operandOf(s, d).map((x) =>
      kernelCase({
        kernel: 'reshape',
        dtype: d,
        args: `${showOperand(x)}, [${Shapes.size(s)}]`,
        inputs: [x],
        run: (b) => b.reshape(x, [Shapes.size(s)]),
      }),
    ),
  )

const slice = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc.tuple(dt, shape()).chain(([d, s]) =>
    fc
      .tuple(operandOf(s, d), fc.array(fc.tuple(fraction, fraction), { minLength: s.length, maxLength: s.length }))
      .map(([x, fr]) => {
        const begin = s.map((dim, i) => Math.min(dim, Math.floor((fr[i]?.[0] ?? 0) * (dim + 1))))
        const size = s.map((dim, i) =>
          Math.min(dim - (begin[i] ?? 0), Math.floor((fr[i]?.[1] ?? 0) * (dim - (begin[i] ?? 0) + 1))),
        )
        return kernelCase({
          kernel: 'slice',
          dtype: d,
          args: `${showOperand(x)}, [${begin.join(',')}], [${size.join(',')}]`,
          inputs: [x],
          run: (b) => b.slice(x, begin, size),
        })
      }),
  )

const pad = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc.tuple(dt, shape({ maxRank: 3 })).chain(([d, s]) =>
    fc
      .tuple(operandOf(s, d), fc.array(fc.tuple(fc.nat(2), fc.nat(2)), { minLength: s.length, maxLength: s.length }), value(d))
      .map(([x, pads, v]) =>
        kernelCase({
          kernel: 'pad',
          dtype: d,
          args: `${showOperand(x)}, ${JSON.stringify(pads)}, ${v}`,
          inputs: [x],
          run: (b) => b.pad(x, pads, v),
        }),
      ),
  )

const concat = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc.tuple(dt, shapeAndAxis, fc.array(fc.nat(3), { minLength: 1, maxLength: 3 })).chain(([d, { shape: s, axis }, dims]) =>
    fc.tuple(...dims.map((n) => operandOf(withDim(s, axis, n), d))).map((xs) =>
      kernelCase({
        kernel: 'concat',
        dtype: d,
        args: `[${xs.map(showOperand).join(', ')}], ${axis}`,
        inputs: xs,
        run: (b) => b.concat(xs, axis),
      }),
    ),
  )

const gather = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc.tuple(dt, dt, shapeAndAxis, shape({ maxRank: 2 })).chain(([d, di, { shape: s, axis }, is]) =>
    fc.tuple(operandOf(s, d), indicesOf(is, s[axis] ?? 1, di)).map(([x, idx]) =>
      kernelCase({
        kernel: 'gather',
        dtype: d,
        args: `${showOperand(x)}, ${showOperand(idx)}, ${axis}`,
        inputs: [x, idx],
        run: (b) => b.gather(x, idx, axis),
      }),
    ),
  )

const scatterAdd = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc.tuple(dt, dt, shapeAndAxis, shape({ maxRank: 2 })).chain(([d, di, { shape: out, axis }, is]) => {
    const updatesShape = [...out.slice(0, axis), ...is, ...out.slice(axis + 1)]
    return fc.tuple(operandOf(updatesShape, d), indicesOf(is, out[axis] ?? 1, di)).map(([u, idx]) =>
      kernelCase({
        kernel: 'scatterAdd',
        dtype: d,
        args: `${showOperand(u)}, ${showOperand(idx)}, ${axis}, [${out.join(',')}]`,
        inputs: [u, idx],
        run: (b) => b.scatterAdd(u, idx, axis, out),
        accumulation: { terms: Shapes.size(is), scale: (b) => b.scatterAdd(absOperand(u), idx, axis, out) },
      }),
    )
  })

const oneHot = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc.tuple(dt, dt, shape({ maxRank: 2 }), fc.integer({ min: 1, max: 5 })).chain(([d, di, s, depth]) =>
    indicesOf(s, depth, di).map((idx) =>
      kernelCase({
        kernel: 'oneHot',
        dtype: d,
        args: `${showOperand(idx)}, ${depth}, ${d}`,
        inputs: [idx],
        run: (b) => b.oneHot(idx, depth, d),
      }),
    ),
  )

const cast = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc
    .tuple(dt, dt, shape())
    .chain(([from, to, s]) =>
      operandOf(s, from, { bound: 1e6 }).map((x) =>
        kernelCase({ kernel: 'cast', dtype: to, args: `${showOperand(x)}, ${to}`, inputs: [x], run: (b) => b.cast(x, to) }),
      ),
    )

const fill = (dt: Dt): fc.Arbitrary<KernelCase> =>
  fc
    .tuple(dt, shape(), fc.oneof(value('float64'), fc.double()))
    .map(([d, s, v]) =>
      kernelCase({ kernel: 'fill', dtype: d, args: `[${s.join(',')}], ${d}, ${v}`, inputs: [], run: (b) => b.fill(s, d, v) }),
    )

type LayoutKernel = 'transpose' | 'reshape' | 'slice' | 'pad' | 'concat' | 'gather' | 'scatterAdd' | 'oneHot' | 'cast' | 'fill'

/**
 * The cases of the moving, indexing and creating kernels, drawing dtypes from `dt`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const layoutCases = (dt: Dt): { readonly [K in LayoutKernel & KernelName]: fc.Arbitrary<KernelCase> } => ({
  transpose: transpose(dt),
  reshape: reshape(dt),
  slice: slice(dt),
  pad: pad(dt),
  concat: concat(dt),
  gather: gather(dt),
  scatterAdd: scatterAdd(dt),
  oneHot: oneHot(dt),
  cast: cast(dt),
  fill: fill(dt),
})
