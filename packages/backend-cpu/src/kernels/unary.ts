/**
 * Elementwise functions of one argument. Each op has its own tight loop (one `switch` per call,
 * never per element), so the JIT sees one monomorphic body per op.
 */
import { allocate, type Operand, type ReadonlyData, type UnaryOp } from '@recur/core'

type Out = Float32Array | Float64Array

/** Round half to even, as NumPy and PyTorch. */
export const roundHalfEven = (v: number): number => {
  const r = Math.round(v)
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** 1/(1 + e⁻ˣ) without overflow for large |x|. */
export const sigmoid = (v: number): number => {
  if (v >= 0) return 1 / (1 + Math.exp(-v))
  const e = Math.exp(v)
  return e / (1 + e)
}

/** log(1 + eˣ) without overflow for large x. */
export const softplus = (v: number): number => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)))

const run = (op: UnaryOp, x: ReadonlyData, o: Out): void => {
  const n = o.length
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) o[i] = -x[i]!
      return
    case 'abs':
      for (let i = 0; i < n; i++) o[i] = Math.abs(x[i]!)
      return
    case 'sign':
      for (let i = 0; i < n; i++) o[i] = Math.sign(x[i]!)
      return
    case 'square':
      for (let i = 0; i < n; i++) {
        const v = x[i]!
        o[i] = v * v
      }
      return
    case 'sqrt':
      for (let i = 0; i < n; i++) o[i] = Math.sqrt(x[i]!)
      return
    case 'rsqrt':
      for (let i = 0; i < n; i++) o[i] = 1 / Math.sqrt(x[i]!)
      return
    case 'reciprocal':
      for (let i = 0; i < n; i++) o[i] = 1 / x[i]!
      return
    case 'exp':
      for (let i = 0; i < n; i++) o[i] = Math.exp(x[i]!)
      return
    case 'expm1':
      for (let i = 0; i < n; i++) o[i] = Math.expm1(x[i]!)
      return
    case 'log':
      for (let i = 0; i < n; i++) o[i] = Math.log(x[i]!)
      return
    case 'log1p':
      for (let i = 0; i < n; i++) o[i] = Math.log1p(x[i]!)
      return
    case 'sin':
      for (let i = 0; i < n; i++) o[i] = Math.sin(x[i]!)
      return
    case 'cos':
      for (let i = 0; i < n; i++) o[i] = Math.cos(x[i]!)
      return
    case 'tanh':
      for (let i = 0; i < n; i++) o[i] = Math.tanh(x[i]!)
      return
    case 'sigmoid':
      for (let i = 0; i < n; i++) o[i] = sigmoid(x[i]!)
      return
    case 'softplus':
      for (let i = 0; i < n; i++) o[i] = softplus(x[i]!)
      return
    case 'relu':
      for (let i = 0; i < n; i++) o[i] = Math.max(x[i]!, 0)
      return
    case 'floor':
      for (let i = 0; i < n; i++) o[i] = Math.floor(x[i]!)
      return
    case 'ceil':
      for (let i = 0; i < n; i++) o[i] = Math.ceil(x[i]!)
      return
    case 'round':
      for (let i = 0; i < n; i++) o[i] = roundHalfEven(x[i]!)
      return
  }
}

/** `op` applied to every element of `x`; output has `x`'s shape and dtype. */
export const unary = (op: UnaryOp, x: Operand): Out => {
  const out = allocate(x.dtype, x.data.length)
  run(op, x.data, out)
  return out
}
