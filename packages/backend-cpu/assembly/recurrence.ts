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
