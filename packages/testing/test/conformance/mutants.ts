/**
 * Deliberately broken backends, each the reference with one realistic bug, for the mutation test
 * of the conformance kit: every one of them must be rejected.
 */
import type { ArgReduceOp, Backend, Operand, ReadonlyData, Shape } from '@recur/core'
import { binaryScalar, sigmoid } from '../../src/reference/elementwise.js'
import { reference } from '../../src/reference.js'

const mutant = (name: string, kernels: Partial<Omit<Backend, 'name'>>): Backend => ({ ...reference, ...kernels, name })

const size = (s: Shape): number => s.reduce((a, b) => a * b, 1)

const alloc = (x: { readonly dtype: Operand['dtype'] }, n: number): Float32Array | Float64Array =>
  x.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n)

/** Row-major strides of `shape` aligned on the right to `rank` axes, for broadcasting. */
const broadcastStrides = (shape: Shape, rank: number): number[] => {
  const strides = new Array<number>(rank).fill(0)
  let step = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i] ?? 1
    strides[rank - shape.length + i] = d === 1 ? 1 : step // BUG: a broadcast (size-1) axis must have stride 0
    step *= d
  }
  return strides
}

/** A strided `binary`, as a fast backend would write it, with an off-by-one broadcast stride. */
const stridedBinary: Backend['binary'] = (op, a, b, out) => {
  const sa = broadcastStrides(a.shape, out.length)
  const sb = broadcastStrides(b.shape, out.length)
  const result = alloc(a, size(out))
  for (let flat = 0; flat < result.length; flat++) {
    let rest = flat
    let ia = 0
    let ib = 0
    for (let axis = out.length - 1; axis >= 0; axis--) {
      const d = out[axis] ?? 1
      const i = rest % d
      rest = Math.floor(rest / d)
      ia += i * (sa[axis] ?? 0)
      ib += i * (sb[axis] ?? 0)
    }
    result[flat] = binaryScalar[op](a.data[ia] ?? Number.NaN, b.data[ib] ?? Number.NaN)
  }
  return result
}

/** The values of `data` with `f` applied, in a fresh array of `x`'s dtype. */
const mapData = (x: Operand, data: ReadonlyData, f: (v: number, i: number) => number): Float32Array | Float64Array => {
  const out = alloc(x, data.length)
  for (let i = 0; i < data.length; i++) out[i] = f(data[i] ?? Number.NaN, i)
  return out
}

/** `x` converted to float64 (exactly). */
const toFloat64 = (x: Operand): Operand => ({
  ...x,
  dtype: 'float64',
  data: Float64Array.from({ length: x.data.length }, (_, i) => x.data[i] ?? 0),
})

/** argmax/argmin along `axis` that keeps the last of equal elements instead of the first. */
const lastTieArgReduce: Backend['argReduce'] = (op: ArgReduceOp, x, axis) => {
  const rank = x.shape.length
  const perm = [...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis), axis]
  const moved = reference.transpose(x, perm)
  const n = x.shape[axis] ?? 1
  const out = alloc(x, moved.length / n)
  for (let r = 0; r < out.length; r++) {
    let best = 0
    for (let i = 1; i < n; i++) {
      const v = moved[r * n + i] ?? Number.NaN
      const b = moved[r * n + best] ?? Number.NaN
      if (op === 'argmax' ? v >= b : v <= b) best = i // BUG: `>=` keeps the last tie
    }
    out[r] = best
  }
  return out
}

let scratch32 = new Float32Array(0)
let scratch64 = new Float64Array(0)

/** `unary` into a scratch buffer reused by every call (a "saves allocations" optimisation). */
const reusedUnary: Backend['unary'] = (op, x) => {
  const r = reference.unary(op, x)
  if (x.dtype === 'float32') {
    if (scratch32.length < r.length) scratch32 = new Float32Array(r.length)
    for (let i = 0; i < r.length; i++) scratch32[i] = r[i] ?? 0
    return scratch32.subarray(0, r.length)
  }
  if (scratch64.length < r.length) scratch64 = new Float64Array(r.length)
  for (let i = 0; i < r.length; i++) scratch64[i] = r[i] ?? 0
  return scratch64.subarray(0, r.length)
}

/** `relu` applied in place to its input as well (an "in-place activation" optimisation). */
const inPlaceRelu: Backend['unary'] = (op, x) => {
  const r = reference.unary(op, x)
  const d = x.data
  if (op === 'relu' && (d instanceof Float32Array || d instanceof Float64Array))
    d.set(Array.from({ length: r.length }, (_, i) => r[i] ?? 0))
  return r
}

/**
 * The mutants: a name, the backend, and the conformance check that must reject it.
 */
export const mutants: ReadonlyArray<{ readonly bug: string; readonly backend: Backend; readonly check: string }> = [
  {
    bug: 'off-by-one broadcast stride (size-1 axis read with stride 1)',
    check: 'binary',
    backend: mutant('broadcast-stride', { binary: stridedBinary }),
  },
  {
    bug: 'matmul transpose flags swapped',
    check: 'matmul',
    backend: mutant('matmul-flags', { matmul: (a, b, ta, tb, out) => reference.matmul(a, b, tb, ta, out) }),
  },
  {
    bug: 'reduction axes counted from the end',
    check: 'reduce',
    backend: mutant('reduce-axis', {
      reduce: (op, x, axes) =>
        reference.reduce(
          op,
          x,
          axes.map((a) => x.shape.length - 1 - a).sort((p, q) => p - q),
        ),
    }),
  },
  {
    bug: 'sigmoid saturates early (1 for x > 4)',
    check: 'unary',
    backend: mutant('sigmoid-saturates', {
      unary: (op, x) => (op === 'sigmoid' ? mapData(x, x.data, (v) => (v > 4 ? 1 : sigmoid(v))) : reference.unary(op, x)),
    }),
  },
  {
    bug: 'float32 binary results not rounded (Float64Array returned)',
    check: 'binary',
    backend: mutant('float32-unrounded', {
      binary: (op, a, b, out) => reference.binary(op, toFloat64(a), toFloat64(b), out),
    }),
  },
  {
    bug: 'gather reads index + 1 (wrapping)',
    check: 'gather',
    backend: mutant('gather-off-by-one', {
      gather: (x, idx, axis) => {
        const n = x.shape[axis] ?? 1
        return reference.gather(x, { ...idx, data: mapData(idx, idx.data, (v) => (v + 1) % n) }, axis)
      },
    }),
  },
  {
    bug: 'argmax/argmin pick the last tie',
    check: 'argReduce',
    backend: mutant('argmax-last-tie', { argReduce: lastTieArgReduce }),
  },
  {
    bug: 'unary reuses one output buffer across calls',
    check: 'unary',
    backend: mutant('reused-output', { unary: reusedUnary }),
  },
  { bug: 'relu also writes its result into its input', check: 'unary', backend: mutant('in-place-relu', { unary: inPlaceRelu }) },
]
