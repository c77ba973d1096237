/**
 * `cpuFastWith({ threads })`: products split by rows between the caller and worker threads give
 * the bits of `cpuFast`'s one call, for `matmul` (every layout, batches, both dtypes, parts in
 * several blocks of a worker's scratch) and for the whole-layer recurrence kernels, forward and
 * backward; and the split does happen (workers ran parts). `minWork: 1` splits every product with
 * at least 8 rows, so small random shapes reach every path.
 */
import { fc, test } from '@fast-check/vitest'
import * as R from '@recur/core'
import { registerConformance } from '@recur/testing'
import { describe, expect, it } from 'vitest'
import { cpuFast, cpuFastWith } from '../src/index.js'
import { idle, teamOf, workerParts } from '../src/kernels/threads.js'
import { align16, reserve, scratchStart, WasmMode, wasm } from '../src/kernels/wasmModule.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 100)
process.stdout.write(`threads: seed ${seed}, ${numRuns} cases\n`)

const two = cpuFastWith({ threads: 2, minWork: 1 })
const three = cpuFastWith({ threads: 3, minWork: 1 })
const mid = cpuFastWith({ threads: 2, minWork: 2 ** 26 })

const spread = (shape: readonly number[], salt: number, backend: R.Backend, dtype: R.DType = 'float32', scale = 1): R.Tensor => {
  const n = shape.reduce((a, b) => a * b, 1)
  return R.fromFlat(
    Array.from({ length: n }, (_, i) => scale * Math.sin(salt * 7919 + i * 104729 + 0.5)),
    shape,
    { backend, dtype },
  )
}
const bits = (ts: readonly R.Tensor[]): number[][] => ts.map((t) => Array.from(t.toTypedArray()))
const onto = (t: R.Tensor, backend: R.Backend): R.Tensor => R.fromTypedArray(t.toTypedArray(), t.shape, { backend })
const on = <const T extends readonly R.Tensor[]>(ts: T, backend: R.Backend): { readonly [K in keyof T]: R.Tensor } =>
  ts.map((t) => onto(t, backend)) as { readonly [K in keyof T]: R.Tensor }

describe('cpuFastWith conforms to the kit (with every product of 8 rows or more split)', () => {
  registerConformance(two, it, {
    seed,
    numRuns: Math.max(10, Math.round(numRuns / 4)),
    kernels: ['matmul'],
    endToEnd: false,
    fused: ['lstmRecurrence', 'lstmRecurrenceBackward', 'gruRecurrence', 'gruRecurrenceBackward'],
    tolerances: { matmul: { accumulator: 'float32', absolute: 2 ** -126 } },
  })
})

const layouts = fc.record({
  m: fc.integer({ min: 1, max: 70 }),
  n: fc.integer({ min: 1, max: 40 }),
  k: fc.integer({ min: 1, max: 50 }),
  batch: fc.constantFrom<readonly number[]>([], [2], [3, 1]),
  transposeA: fc.boolean(),
  transposeB: fc.boolean(),
  dtype: fc.constantFrom<R.DType>('float32', 'float64'),
  salt: fc.integer({ min: 1, max: 2 ** 20 }),
})

describe('a split product has the bits of one call', () => {
  test.prop([layouts], { seed, numRuns })(
    'matmul on 2 and 3 threads equals cpuFast, bit for bit',
    ({ m, n, k, batch, transposeA, transposeB, dtype, salt }) => {
      const a = spread([...batch, ...(transposeA ? [k, m] : [m, k])], salt, cpuFast, dtype)
      const b = spread(transposeB ? [n, k] : [k, n], salt + 1, cpuFast, dtype)
      const one = bits([R.matmul(a, b, { transposeA, transposeB })])
      for (const backend of [two, three])
        expect(bits([R.matmul(...on([a, b] as const, backend), { transposeA, transposeB })])).toEqual(one)
    },
  )

  it('workers ran parts, several blocks of their scratch each for a wide product', { timeout: 60_000 }, () => {
    const before = workerParts()
    // 4096 columns: a worker's 8 MiB holds about 500 rows of accumulator, so its 1,002 rows take 3 blocks
    for (const transposeA of [false, true]) {
      const a = spread(transposeA ? [8, 2003] : [2003, 8], 3, cpuFast)
      const b = spread([8, 4096], 4, cpuFast)
      const one = R.matmul(a, b, { transposeA }).toTypedArray()
      const split = R.matmul(...on([a, b] as const, two), { transposeA }).toTypedArray()
      // byte for byte (a deep equality of 8 million numbers would take seconds)
      expect(
        Buffer.from(split.buffer, split.byteOffset, split.byteLength).equals(
          Buffer.from(one.buffer, one.byteOffset, one.byteLength),
        ),
      ).toBe(true)
    }
    expect(workerParts()).toBeGreaterThan(before)
  })

  it('a transposed A too large for one block, summed in parts over k, splits every part alike', { timeout: 60_000 }, () => {
    // (k × m) + (k × n) floats over 8 MiB: parts over k, the last one shorter
    for (const [k, m, n] of [
      [8292, 64, 256],
      [6000, 21, 400],
    ] as const) {
      const a = spread([k, m], 6, cpuFast)
      const b = spread([k, n], 7, cpuFast)
      const before = workerParts()
      const one = bits([R.matmul(a, b, { transposeA: true })])
      expect(workerParts()).toBe(before)
      // `mid`: the first parts (64 · 256 · 6400 multiply-adds) are over its minWork, the last (· 1892) under
      for (const backend of [two, mid])
        expect(bits([R.matmul(...on([a, b] as const, backend), { transposeA: true })])).toEqual(one)
      expect(workerParts()).toBeGreaterThan(before + 1)
    }
  })

  it('a product under minWork is not split', () => {
    const lazy = cpuFastWith({ threads: 2, minWork: 2 ** 40 })
    const before = workerParts()
    const a = spread([64, 64], 5, lazy)
    R.matmul(a, a)
    expect(workerParts()).toBe(before)
  })
})

const sizes = fc.record({
  l: fc.integer({ min: 1, max: 4 }),
  n: fc.integer({ min: 1, max: 12 }),
  h: fc.integer({ min: 1, max: 9 }),
  reverse: fc.boolean(),
  salt: fc.integer({ min: 1, max: 2 ** 20 }),
})

describe('the recurrence kernels, their products split, have the bits of cpuFast', () => {
  test.prop([sizes], { seed, numRuns: 30 })('LSTM forward and backward', ({ l, n, h, reverse, salt }) => {
    const i = 1 + (salt % 7)
    const inputs = [
      spread([l, n, i], salt, cpuFast, 'float32', 2),
      spread([4 * h, i], salt + 8, cpuFast, 'float32', 1 / Math.sqrt(i)),
      spread([4 * h, h], salt + 1, cpuFast, 'float32', 1 / Math.sqrt(h)),
      spread([4 * h], salt + 7, cpuFast),
      spread([n, h], salt + 2, cpuFast),
      spread([n, h], salt + 3, cpuFast),
    ] as const
    const forward = R.lstmRecurrence(...inputs, { reverse })
    expect(bits(R.lstmRecurrence(...on(inputs, two), { reverse }))).toEqual(bits(forward))
    const [, cs, gates] = forward
    const args = [gates, cs, inputs[5], inputs[2], spread([l, n, h], salt + 4, cpuFast), inputs[4], inputs[5]] as const
    const back = R.lstmRecurrenceBackward(...args, { reverse })
    expect(bits(R.lstmRecurrenceBackward(...on(args, two), { reverse }))).toEqual(bits(back))
  })

  test.prop([sizes], { seed, numRuns: 30 })('GRU forward and backward', ({ l, n, h, reverse, salt }) => {
    const i = 1 + (salt % 7)
    const inputs = [
      spread([l, n, i], salt, cpuFast, 'float32', 2),
      spread([3 * h, i], salt + 8, cpuFast, 'float32', 1 / Math.sqrt(i)),
      spread([3 * h, h], salt + 1, cpuFast, 'float32', 1 / Math.sqrt(h)),
      spread([3 * h], salt + 7, cpuFast),
      spread([3 * h], salt + 2, cpuFast),
      spread([n, h], salt + 3, cpuFast),
    ] as const
    const forward = R.gruRecurrence(...inputs, { reverse })
    expect(bits(R.gruRecurrence(...on(inputs, two), { reverse }))).toEqual(bits(forward))
    const [ys, xb, hp] = forward
    const args = [xb, hp, ys, inputs[5], inputs[2], spread([l, n, h], salt + 4, cpuFast), inputs[5]] as const
    const back = R.gruRecurrenceBackward(...args, { reverse })
    expect(bits(R.gruRecurrenceBackward(...on(args, two), { reverse }))).toEqual(bits(back))
  })

  it('a whole training step (forward, BPTT through the layer, the head) has the bits of cpuFast', () => {
    const [l, n, i, h] = [5, 16, 12, 24]
    const loss = (backend: R.Backend) => {
      const x = spread([l, n, i], 1, backend, 'float32', 2)
      const w = [spread([4 * h, i], 2, backend, 'float32', 0.3), spread([4 * h, h], 3, backend, 'float32', 0.2)] as const
      return R.valueAndGrad(([wIh, wHh]: readonly [R.Tensor, R.Tensor]) => {
        const b = R.zeros([4 * h], { backend })
        const h0 = R.zeros([n, h], { backend })
        const [ys] = R.lstmRecurrence(x, wIh, wHh, b, h0, h0)
        return R.sum(R.mul(ys, ys))
      })(w)
    }
    const [v1, g1] = loss(cpuFast)
    const before = workerParts()
    const [v2, g2] = loss(two)
    expect(bits([v2, ...g2])).toEqual(bits([v1, ...g1]))
    // the layer's projection, its steps' products (16 rows) and the weight gradients were split
    expect(workerParts() - before).toBeGreaterThanOrEqual(2 * l)
  })
})

describe('a trap in a part', () => {
  // 16 rows split 8 / 8; n = k = 8; operands and scratch at the start of the arena, garbage values
  const layout = () => {
    const a = scratchStart()
    const b = align16(a + 16 * 8 * 4)
    const work = align16(b + 8 * 8 * 4)
    const c = align16(work + wasm.workBytes(WasmMode.f32Sums, 16, 8, 8))
    reserve('test', c + wasm.scratchBytes(WasmMode.f32Sums, 16, 8) + 2 ** 20)
    return { a, b, work, c, end: wasm.memory.buffer.byteLength }
  }
  const team = teamOf(2, 1)

  it("a worker's trap (its rows of the result past the memory) is an error, and the workers go on", () => {
    const { a, b, work, c, end } = layout()
    // the caller's 8 rows end exactly at the end of the memory; the worker's lie past it
    const out = end - 8 * 8 * 4
    expect(() => team.gemm(WasmMode.f32Sums, a, 8, 1, b, 8, 1, 16, 8, 8, work, c, out)).toThrow(
      /a worker thread failed in its part of a matrix product/,
    )
    const x = spread([40, 30], 9, cpuFast)
    expect(bits([R.matmul(onto(x, two), onto(x, two), { transposeB: true })])).toEqual(
      bits([R.matmul(x, x, { transposeB: true })]),
    )
  })

  it("the caller's own trap is thrown once every worker has finished its part", () => {
    // 1024 × 1024 by 1024 × 512: the worker's 512 rows take milliseconds, the caller traps at once
    // (its accumulator lies past the memory; the worker has its own)
    const [m, k, n] = [1024, 1024, 512]
    const a = scratchStart()
    const b = align16(a + m * k * 4)
    const out = align16(b + k * n * 4)
    const work = align16(out + m * n * 4)
    const buffer = reserve('test', work + wasm.workBytes(WasmMode.f32Sums, m, n, k))
    new Float32Array(buffer, a, m * k + k * n).fill(0.5)
    expect(() => team.gemm(WasmMode.f32Sums, a, k, 1, b, n, 1, m, n, k, work, 2 ** 32 - 64, out)).toThrow(/out of bounds/)
    expect(idle()).toBe(true)
    const x = spread([40, 40], 10, cpuFast)
    expect(bits([R.matmul(onto(x, two), onto(x, two))])).toEqual(bits([R.matmul(x, x)]))
  })
})

describe('options', () => {
  it('options that are not an object are a TypeError naming the function', () => {
    // @ts-expect-error: a caller without types may pass anything
    expect(() => cpuFastWith(2)).toThrow(/cpuFastWith: options must be an object such as \{ threads: 2 \}, got 2/)
  })

  it('threads: 1 is cpuFast itself', () => {
    expect(cpuFastWith({ threads: 1 })).toBe(cpuFast)
  })

  it.each([0, -1, 1.5, 65, Number.NaN])('threads %s is a RangeError naming the option', (threads) => {
    expect(() => cpuFastWith({ threads })).toThrow(/cpuFastWith: threads must be an integer from 1 to 64/)
  })

  it.each([0, -3, Number.NaN])('minWork %s is a RangeError naming the option', (minWork) => {
    expect(() => cpuFastWith({ threads: 2, minWork })).toThrow(/cpuFastWith: minWork must be a positive number/)
  })
})
