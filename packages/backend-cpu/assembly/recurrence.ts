/**
 * Elementwise helpers of the whole-sequence recurrence kernels (`src/kernels/recurrenceWasm.ts`),
 * float32, f32x4 with a scalar tail: the sums that join a step's recurrent product to its input
 * projection, bias or direct cotangent. Each is IEEE float32 addition, element by element, so the
 * results are those of the `add` kernel.
 */

/** `out[i] = a[i] + b[i]` for i < n (float32; `out` may be `a` or `b`). */
export function addF32(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2
    v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)))
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o))
  }
}

/** `out[r, j] = a[r, j] + row[j]` for r < rows, j < width (float32, row-major; `out` may be `a`). */
export function addRowF32(a: usize, row: usize, out: usize, rows: i32, width: i32): void {
  const stride = (<usize>width) << 2
  for (let r = 0; r < rows; r++) {
    const at = <usize>r * stride
    addF32(a + at, row, out + at, width)
  }
}

/**
 * Column sums of the float32 `rows × width` matrix at `x` into the float32 `out`, accumulated in
 * float64 at `acc` (`width` doubles of scratch) row after row and rounded once, as the `reduce`
 * kernel sums over leading axes (so the same bits).
 */
export function sumRowsF32(x: usize, rows: i32, width: i32, acc: usize, out: usize): void {
  memory.fill(acc, 0, (<usize>width) << 3)
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>width) << 2)
    for (let j = 0; j < width; j++) {
      const a = acc + ((<usize>j) << 3)
      store<f64>(a, load<f64>(a) + <f64>load<f32>(row + ((<usize>j) << 2)))
    }
  }
  for (let j = 0; j < width; j++) store<f32>(out + ((<usize>j) << 2), <f32>load<f64>(acc + ((<usize>j) << 3)))
}

/** `binaryF32`'s ops, in this order: add, sub, mul, div. */
const ADD: i32 = 0
const SUB: i32 = 1
const MUL: i32 = 2

/** One op on four lanes. */
function op4(op: i32, x: v128, y: v128): v128 {
  if (op === ADD) return f32x4.add(x, y)
  if (op === SUB) return f32x4.sub(x, y)
  if (op === MUL) return f32x4.mul(x, y)
  return f32x4.div(x, y)
}

/** One op on one element. */
function op1(op: i32, x: f32, y: f32): f32 {
  if (op === ADD) return x + y
  if (op === SUB) return x - y
  if (op === MUL) return x * y
  return x / y
}

/**
 * `out[i] = a[i·sa] op b[i·sb]` for i < n, float32, with `sa`, `sb` 1 (an array) or 0 (one
 * value, broadcast); `op` 0 add, 1 sub, 2 mul, 3 div. IEEE float32 arithmetic, so the same bits as
 * the JavaScript kernel (which rounds the float64 result of two float32 values once).
 */
export function binaryF32(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  const n4 = n & ~3
  const av = sa === 0 ? v128.load32_splat(a) : f32x4.splat(0)
  const bv = sb === 0 ? v128.load32_splat(b) : f32x4.splat(0)
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2
    const x = sa === 0 ? av : v128.load(a + o)
    const y = sb === 0 ? bv : v128.load(b + o)
    v128.store(out + o, op4(op, x, y))
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2
    store<f32>(out + o, op1(op, load<f32>(a + (sa === 0 ? 0 : o)), load<f32>(b + (sb === 0 ? 0 : o))))
  }
}
