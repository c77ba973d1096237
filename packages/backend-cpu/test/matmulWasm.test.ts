/**
 * The WebAssembly matmul kernel (`matmulWasm`), called directly so every case runs on it whatever
 * its size: shapes around the tile (4 × 4) and block (MC = 64, KC = 256, NC = 512) edges, every
 * transpose flag, batched and broadcast batch dimensions, both dtypes. Each result must equal the
 * reference backend of `@recur/testing` within the conformance tolerance (`KernelCase`, with its
 * ownership rules: inputs unchanged, no shared result memory) and the naive float64 sum within the
 * tighter bound of `matmulReference.ts`. Also: the kit's own matmul cases (including its cancelling
 * sums, which float32 accumulation fails), reuse of the module's memory across calls of different
 * sizes, which kernel `cpu.matmul` picks, and the error for a missing `.wasm`.
 *
 * Reproduce a run with FC_SEED=<seed printed below>.
 */
import { fc, test } from '@fast-check/vitest'
import type { Backend, DType, Operand, Shape } from '@recur/core'
import { compareKernel, kernelCase, kernelCases, reference } from '@recur/testing'
import { describe, expect, it } from 'vitest'
import { cpu } from '../src/index.js'
import { matmul as matmulJs } from '../src/kernels/matmul.js'
import { matmul as matmulCpu } from '../src/kernels/matmulCpu.js'
import { matmulWasm, matmulWasmFloat32Sums } from '../src/kernels/matmulWasm.js'
import { loadKernels, wasm } from '../src/kernels/wasmModule.js'
import { check, operand, prng, shapes } from './matmulReference.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
process.stdout.write(`wasm matmul properties: seed ${seed}\n`)

/** `cpu` with every matmul on the WebAssembly kernel, with float64 or float32 sums. */
const onWasm: Backend = { ...cpu, matmul: matmulWasm }
const onWasmFloat32Sums: Backend = { ...cpu, matmul: matmulWasmFloat32Sums }
/** The kit's tolerance for a backend that accumulates in float32 (see `Tolerance`). */
const float32Sums = { accumulator: 'float32', absolute: 2 ** -126 } as const

const abs = (x: Operand): Operand => ({
  ...x,
  data: x.dtype === 'float32' ? Float32Array.from(x.data, Math.abs) : Float64Array.from(x.data, Math.abs),
})

/** The call as a conformance case: k accumulated terms, scale Σ|a|·|b| by the reference. */
const matmulCase = (a: Operand, b: Operand, tA: boolean, tB: boolean, out: Shape, k: number) =>
  kernelCase({
    kernel: 'matmul',
    dtype: a.dtype,
    args: `${a.dtype}[${a.shape}], [${b.shape}], ${tA}, ${tB}, [${out}]`,
    inputs: [a, b],
    run: (be) => be.matmul(a, b, tA, tB, out),
    accumulation: { terms: k, scale: (be) => be.matmul(abs(a), abs(b), tA, tB, out) },
  })

/** Sizes at and around the edges of the 4 × 4 tile and of the MC = 64 row blocks (m < 4: the unpacked path). */
const edge = fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 63, 64, 65)
/** Depths around KC = 256, widths around NC = 512 (fewer: each costs more). */
const deep = fc.constantFrom(255, 256, 257, 300)
const wide = fc.constantFrom(511, 512, 513)

const sizes = fc.oneof(
  { weight: 6, arbitrary: fc.record({ m: edge, n: edge, k: edge }) },
  { weight: 1, arbitrary: fc.record({ m: edge, n: edge, k: deep }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constantFrom(1, 5, 9), n: wide, k: edge }) },
)

const cases = fc.record({
  size: sizes,
  tA: fc.boolean(),
  tB: fc.boolean(),
  batch: fc.array(fc.record({ dim: fc.integer({ min: 1, max: 3 }), broadcastA: fc.boolean(), broadcastB: fc.boolean() }), {
    maxLength: 2,
  }),
  dtype: fc.constantFrom<DType>('float32', 'float64'),
  seed: fc.integer(),
})

describe('matmulWasm', () => {
  test.prop([cases], { seed, numRuns: 100 })(
    'equals the reference backend and the naive float64 sum (tile/block edges, transposes, broadcast batches)',
    ({ size: { m, n, k }, tA, tB, batch, dtype, seed: s }) => {
      // A batch dimension may be 1 on one side only, so that it broadcasts to `dim`.
      const batchA = batch.map((d) => (d.broadcastA ? 1 : d.dim))
      const batchB = batch.map((d) => (d.broadcastB && !d.broadcastA ? 1 : d.dim))
      const out = [...batch.map((d) => d.dim), m, n]
      const { aShape, bShape } = shapes(batchA, batchB, m, n, k, tA, tB)
      const next = prng(s)
      const a = operand(dtype, aShape, next),
        b = operand(dtype, bShape, next)
      expect(compareKernel(onWasm, reference, matmulCase(a, b, tA, tB, out, k))).toBeUndefined()
      check(matmulWasm, a, b, tA, tB, out)
    },
    60_000,
  )

  test.prop([kernelCases.matmul], { seed, numRuns: 300 })('passes the conformance kit’s matmul cases', (c) => {
    expect(compareKernel(onWasm, reference, c)).toBeUndefined()
  })

  test.prop([cases], { seed, numRuns: 100 })(
    'with float32 sums: equals the reference within the float32-accumulator tolerance (same cases)',
    ({ size: { m, n, k }, tA, tB, batch, dtype, seed: s }) => {
      const batchA = batch.map((d) => (d.broadcastA ? 1 : d.dim))
      const batchB = batch.map((d) => (d.broadcastB && !d.broadcastA ? 1 : d.dim))
      const out = [...batch.map((d) => d.dim), m, n]
      const { aShape, bShape } = shapes(batchA, batchB, m, n, k, tA, tB)
      const next = prng(s)
      const a = operand(dtype, aShape, next),
        b = operand(dtype, bShape, next)
      expect(compareKernel(onWasmFloat32Sums, reference, matmulCase(a, b, tA, tB, out, k), float32Sums)).toBeUndefined()
    },
    60_000,
  )

  test.prop([kernelCases.matmul], { seed, numRuns: 300 })(
    'with float32 sums: passes the kit’s matmul cases with the float32-accumulator tolerance',
    (c) => {
      expect(compareKernel(onWasmFloat32Sums, reference, c, float32Sums)).toBeUndefined()
    },
  )

  it('empty products give empty or zero results of the right dtype', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const next = prng(3)
      const zeroK = matmulWasm(operand(dtype, [2, 3, 0], next), operand(dtype, [1, 0, 4], next), false, false, [2, 3, 4])
      expect(zeroK).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array)
      expect(Array.from(zeroK)).toEqual(new Array<number>(24).fill(0))
      expect(matmulWasm(operand(dtype, [0, 5], next), operand(dtype, [5, 6], next), false, false, [0, 6]).length).toBe(0)
    }
  })
})

describe('wasm memory is reused across calls, never shared with results', () => {
  it('calls of different sizes give independent, correct results', () => {
    const next = prng(21)
    const big = [operand('float32', [2, 130, 300], next), operand('float32', [1, 300, 90], next)] as const
    const small = [operand('float64', [5, 7], next), operand('float64', [3, 7], next)] as const
    // b alone is 24 MB, more than any other test here needs: this call must grow the memory.
    const bigger = [operand('float32', [8, 2000], next), operand('float32', [3000, 2000], next)] as const
    const first = matmulWasm(big[0], big[1], false, false, [2, 130, 90])
    const kept = Float32Array.from(first)
    const second = matmulWasm(small[0], small[1], false, true, [5, 3])
    const before = wasm.memory.buffer.byteLength
    const third = matmulWasm(bigger[0], bigger[1], false, true, [8, 3000])
    // The arena grew (its old buffer detached) under the earlier results.
    expect(wasm.memory.buffer.byteLength).toBeGreaterThan(before)
    expect(first).toEqual(kept)
    for (const r of [first, second, third]) expect(r.buffer).not.toBe(wasm.memory.buffer)
    expect(new Set([first.buffer, second.buffer, third.buffer]).size).toBe(3)
    check(matmulWasm, big[0], big[1], false, false, [2, 130, 90])
    check(matmulWasm, small[0], small[1], false, true, [5, 3])
    check(matmulWasm, bigger[0], bigger[1], false, true, [8, 3000])
    // The same call again after other calls wrote the arena: the same values.
    expect(matmulWasm(big[0], big[1], false, false, [2, 130, 90])).toEqual(kept)
  })

  it('results stay unchanged when later calls reuse the arena', () => {
    const next = prng(22)
    const a = operand('float64', [40, 50], next),
      b = operand('float64', [50, 60], next)
    const first = matmulWasm(a, b, false, false, [40, 60])
    const copy = Float64Array.from(first)
    for (let i = 0; i < 3; i++) matmulWasm(b, a, true, true, [60, 40])
    expect(first).toEqual(copy)
    check(matmulWasm, a, b, false, false, [40, 60])
  })
})

/** Rows `[r0, r0 + count)` of an (m × k) operand, or columns of a stored (k × m) one, as an operand of their own. */
const rowsOf = (x: Operand, transposed: boolean, r0: number, count: number): Operand => {
  const [rows, cols] = [x.shape[0] ?? 0, x.shape[1] ?? 0]
  const data =
    x.dtype === 'float32'
      ? new Float32Array(count * (transposed ? rows : cols))
      : new Float64Array(count * (transposed ? rows : cols))
  if (!transposed) for (let i = 0; i < count * cols; i++) data[i] = x.data[r0 * cols + i] ?? Number.NaN
  else
    for (let p = 0; p < rows; p++) for (let i = 0; i < count; i++) data[p * count + i] = x.data[p * cols + r0 + i] ?? Number.NaN
  return { shape: transposed ? [rows, count] : [count, cols], dtype: x.dtype, data }
}

describe('a product too large for one block of WebAssembly memory runs in row blocks (a transposed A in parts over k), with the same bits', () => {
  // at most 8 MiB of rows of A and of the result per block (a transposed A: of A and B per part
  // over k): these products take 2 to 5 blocks or parts
  const sizes = [
    { m: 9000, k: 256, n: 64, transposeA: false, transposeB: true, dtype: 'float32' },
    { m: 5001, k: 200, n: 40, transposeA: false, transposeB: false, dtype: 'float64' },
    { m: 300, k: 12000, n: 16, transposeA: true, transposeB: false, dtype: 'float32' },
    { m: 200, k: 9000, n: 24, transposeA: true, transposeB: true, dtype: 'float64' },
  ] as const
  for (const { m, k, n, transposeA, transposeB, dtype } of sizes) {
    for (const [name, kernel] of [
      ['float32 sums', matmulWasmFloat32Sums],
      ['float64 sums', matmulWasm],
    ] as const) {
      it(`${dtype} (${m} × ${k}) · (${k} × ${n}), transposeA ${transposeA}, ${name}`, () => {
        const next = prng(m + k + n)
        const a = operand(dtype, transposeA ? [k, m] : [m, k], next)
        const b = operand(dtype, transposeB ? [n, k] : [k, n], next)
        const whole = kernel(a, b, transposeA, transposeB, [m, n])
        // every block of 64 rows alone is one call (they fit in a block), checked against the
        // reference by the tests above: the blocked product must be their rows, bit for bit
        let mismatch = ''
        for (let r0 = 0; r0 < m && mismatch === ''; r0 += 64) {
          const count = Math.min(64, m - r0)
          const part = kernel(rowsOf(a, transposeA, r0, count), b, transposeA, transposeB, [count, n])
          const at = part.findIndex((v, i) => !Object.is(v, whole[r0 * n + i]))
          if (at >= 0)
            mismatch = `row ${r0 + Math.floor(at / n)}, column ${at % n}: ${whole[r0 * n + at]} blocked, ${part[at]} alone`
        }
        expect(mismatch).toBe('')
      })
    }
  }
})

describe('a batch of transposed products in parts over k', () => {
  it('each product of the batch equals the same product alone, bit for bit', () => {
    const [batch, m, k, n] = [2, 300, 6000, 16]
    const next = prng(11)
    const a = operand('float32', [batch, k, m], next)
    const b = operand('float32', [batch, k, n], next)
    const whole = matmulWasmFloat32Sums(a, b, true, false, [batch, m, n])
    for (let t = 0; t < batch; t++) {
      const one = (x: Operand, rows: number, cols: number): Operand => ({
        shape: [rows, cols],
        dtype: 'float32',
        data: Float32Array.from({ length: rows * cols }, (_, i) => x.data[t * rows * cols + i] ?? Number.NaN),
      })
      const alone = matmulWasmFloat32Sums(one(a, k, m), one(b, k, n), true, false, [m, n])
      expect(Array.from(whole.subarray(t * m * n, (t + 1) * m * n))).toEqual(Array.from(alone))
    }
  })
})

describe('a product whose right operand is too large for one block runs transposed, with the same bits', () => {
  // (64 × 30000) · (30000 × 256), as the weight cotangent of a head over a long sequence: B is
  // 29 MiB; the product runs as (Bᵀ·A)ᵀ, with Bᵀ taken in blocks of rows
  for (const [name, kernel] of [
    ['float32 sums', matmulWasmFloat32Sums],
    ['float64 sums', matmulWasm],
  ] as const) {
    it(name, () => {
      const [m, k, n] = [64, 30000, 256]
      const next = prng(7)
      const a = operand('float32', [k, m], next)
      const b = operand('float32', [k, n], next)
      const whole = kernel(a, b, true, false, [m, n])
      // each block of 64 columns of B alone is small enough to run as one plain call
      let mismatch = ''
      for (let j0 = 0; j0 < n && mismatch === ''; j0 += 64) {
        const part = kernel(a, rowsOf(b, true, j0, 64), true, false, [m, 64])
        const at = part.findIndex((v, i) => !Object.is(v, whole[Math.floor(i / 64) * n + j0 + (i % 64)]))
        if (at >= 0) mismatch = `row ${Math.floor(at / 64)}, column ${j0 + (at % 64)}: ${part[at]} alone`
      }
      expect(mismatch).toBe('')
    })
  }
})

describe('cpu.matmul picks a kernel by size', () => {
  const next = prng(31)
  it('large products run on the WebAssembly kernel', () => {
    const a = operand('float32', [32, 256], next),
      b = operand('float32', [1024, 256], next)
    expect(matmulCpu(a, b, false, true, [32, 1024])).toEqual(matmulWasm(a, b, false, true, [32, 1024]))
    expect(cpu.matmul(a, b, false, true, [32, 1024])).toEqual(matmulWasm(a, b, false, true, [32, 1024]))
  })
  it('vector–matrix products run on the WebAssembly kernel', () => {
    const a = operand('float32', [1, 128], next),
      b = operand('float32', [512, 128], next)
    expect(cpu.matmul(a, b, false, true, [1, 512])).toEqual(matmulWasm(a, b, false, true, [1, 512]))
  })
  it('tiny and single-column products stay in JavaScript', () => {
    for (const [m, n, k] of [
      [3, 3, 3],
      [1, 8, 8],
      [300, 1, 40],
    ] as const) {
      const a = operand('float64', [m, k], next),
        b = operand('float64', [n, k], next)
      expect(matmulCpu(a, b, false, true, [m, n])).toEqual(matmulJs(a, b, false, true, [m, n]))
    }
  })
})

describe('loading', () => {
  it('a missing .wasm is an error that says how to build it', () => {
    expect(() => loadKernels('/nonexistent/matmul.wasm')).toThrow(/build-wasm\.mjs/)
  })
})
