/**
 * `cpuFast`'s `binary`: large float32 `add`, `sub`, `mul` and `div` whose operands are each either
 * the whole output (the same shape) or one value run on the WebAssembly f32x4 loop of
 * `assembly/recurrence.ts` — the elementwise work of a training step (optimizer updates, losses)
 * at several times the JavaScript kernel's speed, copies included. Everything else (other ops,
 * float64, broadcasting over some axes, small arrays) is `cpu`'s kernel. Both round each result
 * to float32 once, so the results are the same bits.
 *
 * @since 0.1.0
 */
import type { BinaryOp, Operand, Shape } from '@recur/core'
import { Shapes } from '@recur/core'
import { binary } from './binary.js'
import { align16, lazyExports, reserveFloats, scratchStart } from './wasmModule.js'

/** The ops the loop has, by its op code. */
const codes: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3 }

/** Fewer elements than this go to the JavaScript kernel (the copies would not pay). */
const fewest = 4096

const loop = lazyExports({ binary: 'binaryF32' })

/** 1 when `x` is the whole output, 0 when it is one value, −1 otherwise. */
const strideOf = (x: Operand, outShape: Shape, n: number): number =>
  x.data.length === n && Shapes.equals(x.shape, outShape) ? 1 : x.data.length === 1 ? 0 : -1

/**
 * `op` elementwise over `a` and `b` broadcast to `outShape`, as `Backend.binary` (see the module
 * documentation for which calls run on WebAssembly).
 *
 * @category kernels
 * @since 0.1.0
 */
export const binaryFast = (op: BinaryOp, a: Operand, b: Operand, outShape: Shape): Float32Array | Float64Array => {
  const code = codes[op]
  const n = Shapes.size(outShape)
  const [sa, sb] = [strideOf(a, outShape, n), strideOf(b, outShape, n)]
  if (code === undefined || a.dtype !== 'float32' || n < fewest || sa < 0 || sb < 0) return binary(op, a, b, outShape)
  const aAt = scratchStart()
  const bAt = align16(aAt + 4 * a.data.length)
  const outAt = align16(bAt + 4 * b.data.length)
  const f32 = reserveFloats(op, outAt + 4 * n)
  for (const [at, x] of [
    [aAt, a],
    [bAt, b],
  ] as const) {
    if (x.data instanceof Float32Array) f32.set(x.data, at / 4)
    else for (let i = 0; i < x.data.length; i++) f32[at / 4 + i] = x.data[i] ?? 0
  }
  loop().binary(code, aAt, sa, bAt, sb, outAt, n)
  return f32.slice(outAt / 4, outAt / 4 + n)
}
