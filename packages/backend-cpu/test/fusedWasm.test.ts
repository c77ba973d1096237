/**
 * cpuFast's float32 gate kernels on WebAssembly (`kernels/fusedWasm.ts` over `assembly/gates.ts`):
 *
 * - `cpuFast.fused` is them, and they pass the kit's fused conformance cases against the composed
 *   definition (default tolerance, 64 ulps; `cpuFast.test.ts` runs them too, through
 *   `registerConformance`);
 * - element by element they are within TOL·ε₃₂·m^p of `cpu`'s JavaScript float32 kernels, for H
 *   from 1 to 40 (every tail length), 0 to 5 rows and values in [−20, 20]: m = max(1, |inputs of
 *   that element|), p = 0 for h (bounded by 1), 1 for c' and the GRU output (sums of such terms
 *   and an input), 2 for the gradients (products of a cotangent and an input), as the kit scales;
 *   and they reject a kernel that reads the wrong gate;
 * - a row's tail (H mod 4 elements) gives the same bits as its vector body; calls keep no state;
 * - float64 operands go to the JavaScript kernels unchanged;
 * - exp, σ and tanh over dense sweeps (every 997th float32 in [−104.5, 89]): exp ≤ 2 ulp of
 *   Math.exp wherever exp is a normal float32 up to x = 88.37 (+∞ above, within 2⁻¹²⁶ below), σ ≤
 *   3 ulp (within 2⁻¹²⁶ where σ is subnormal), tanh ≤ 2 ulp everywhere; saturation to exactly 0, 1
 *   or ±1 for large |x| and ±∞, NaN to NaN, through the maps and through the gate kernels.
 *
 * Reproduce a run with FC_SEED=<seed printed below>; FC_RUNS sets the runs per property.
 */
import { fc, test } from '@fast-check/vitest'
import type { FusedKernels, Operand, ReadonlyData } from '@recur/core'
import { compareFused, fusedCasesOf, operandOf, reference } from '@recur/testing'
import { describe, expect, it } from 'vitest'
import { cpu, cpuFast } from '../src/index.js'
import { fused } from '../src/kernels/fused.js'
import { fusedFast, type WasmFunction, wasmMap } from '../src/kernels/fusedWasm.js'
import { wasm } from '../src/kernels/wasmModule.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 200)
process.stdout.write(`wasm gate kernels: seed ${seed}, ${numRuns} runs per property\n`)

const EPS = 2 ** -23
/** The bound of the comparison with the JavaScript kernels, in units of ε₃₂·m^p (see the header). */
const TOL = 8

/** The gate kernels (the recurrence kernels of `FusedKernels`, if any, are not these files'). */
const gateKernels = ['lstmGates', 'lstmGatesBackward', 'gruGates', 'gruGatesBackward'] as const
type GateKernel = (typeof gateKernels)[number]

/** A kernel of `k`, which must have it. */
const need = <K extends GateKernel>(k: FusedKernels, name: K): NonNullable<FusedKernels[K]> => {
  const f = k[name]
  if (f === undefined) throw new Error(`no fused kernel ${name}`)
  return f
}

/** Runs kernel `name` of `k` on `inputs`, results as a list. */
const run = (k: FusedKernels, name: GateKernel, inputs: readonly Operand[]): readonly ReadonlyData[] => {
  const [a, b, c, d] = inputs as [Operand, Operand, Operand, Operand]
  switch (name) {
    case 'lstmGates':
      return need(k, name)(a, b)
    case 'lstmGatesBackward':
      return need(k, name)(a, b, c, d)
    case 'gruGates':
      return [need(k, name)(a, b, c)]
    case 'gruGatesBackward':
      return need(k, name)(a, b, c, d)
  }
}

/** Widths of the inputs in units of H, per kernel (as the kit's). */
const widths: { readonly [K in GateKernel]: readonly number[] } = {
  lstmGates: [4, 1],
  lstmGatesBackward: [4, 1, 1, 1],
  gruGates: [3, 3, 1],
  gruGatesBackward: [3, 3, 1, 1],
}
/** Per result: its width in units of H and the power p of m in its bound. */
const results: { readonly [K in GateKernel]: readonly (readonly [width: number, p: number])[] } = {
  lstmGates: [
    [1, 0],
    [1, 1],
  ],
  lstmGatesBackward: [
    [4, 2],
    [1, 2],
  ],
  gruGates: [[1, 1]],
  gruGatesBackward: [
    [3, 2],
    [3, 2],
    [1, 2],
  ],
}

interface Case {
  readonly kernel: GateKernel
  readonly h: number
  readonly rows: number
  readonly inputs: readonly Operand[]
}

/** Calls of `kernel` with H in 1..40, 0..5 rows (rank 1 for one row now and then), values in [−20, 20]. */
const caseOf = (kernel: GateKernel): fc.Arbitrary<Case> =>
  fc
    .record({ h: fc.integer({ min: 1, max: 40 }), rows: fc.integer({ min: 0, max: 5 }), flat: fc.boolean() })
    .chain(({ h, rows, flat }) => {
      const lead = flat && rows === 1 ? [] : [rows]
      return fc
        .tuple(...widths[kernel].map((w) => operandOf([...lead, w * h], 'float32', { bound: 20, specials: false })))
        .map((inputs): Case => ({ kernel, h, rows, inputs }))
    })

/**
 * m of element (row, j): max(1, |every input element at (row, j)|), over every gate block of the
 * wide inputs.
 */
const scaleAt = (c: Case, row: number, j: number): number => {
  let m = 1
  c.inputs.forEach((x, k) => {
    const w = widths[c.kernel][k] ?? 1
    for (let b = 0; b < w; b++) m = Math.max(m, Math.abs(x.data[row * w * c.h + b * c.h + j] ?? 0))
  })
  return m
}

/** The worst error of the wasm kernel against the JavaScript one, in units of ε₃₂·m^p; a mismatch in shape or type is thrown. */
const worstError = (c: Case, candidate: FusedKernels = fusedFast): number => {
  const got = run(candidate, c.kernel, c.inputs)
  const want = run(fused, c.kernel, c.inputs)
  let worst = 0
  results[c.kernel].forEach(([w, p], r) => {
    const g = got[r]
    const e = want[r]
    if (!(g instanceof Float32Array) || e === undefined || g.length !== e.length || g.length !== c.rows * w * c.h)
      throw new Error(`${c.kernel}: result ${r} is not a Float32Array of ${c.rows * w * c.h}`)
    for (let row = 0; row < c.rows; row++)
      for (let b = 0; b < w; b++)
        for (let j = 0; j < c.h; j++) {
          const i = row * w * c.h + b * c.h + j
          const err = Math.abs((g[i] ?? Number.NaN) - (e[i] ?? Number.NaN)) / (EPS * scaleAt(c, row, j) ** p)
          worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : Math.max(worst, err)
        }
  })
  return worst
}

describe('cpuFast has the wasm kernels, which pass the kit’s fused cases', () => {
  it('cpuFast’s gate kernels are fusedFast’s; cpu keeps the JavaScript ones', () => {
    for (const kernel of gateKernels) {
      expect(cpuFast.fused?.[kernel]).toBe(fusedFast[kernel])
      expect(cpu.fused?.[kernel]).toBe(fused[kernel])
    }
  })
  const cases = fusedCasesOf(['float32'])
  for (const kernel of gateKernels) {
    test.prop([cases[kernel]], { seed, numRuns })(`${kernel} (float32, 64 ulps)`, (c) => {
      expect(compareFused(cpuFast, reference, c)).toBeUndefined()
    })
  }
})

/** The worst errors seen per kernel, printed at the end (how much room TOL leaves). */
const seen: Partial<Record<GateKernel, number>> = {}

describe(`within ${TOL}·ε₃₂·m^p of the JavaScript float32 kernels`, () => {
  for (const kernel of gateKernels) {
    test.prop([caseOf(kernel)], { seed, numRuns })(kernel, (c) => {
      const err = worstError(c)
      seen[kernel] = Math.max(seen[kernel] ?? 0, err)
      expect(err).toBeLessThanOrEqual(TOL)
    })
  }
  it('the worst errors (in units of ε₃₂·m^p)', () => {
    process.stdout.write(`wasm vs js float32 gate kernels, worst errors: ${JSON.stringify(seen)}\n`)
    expect(Object.keys(seen).length).toBe(gateKernels.length)
  })
})

/** `x` with gate block `k` of its `n` blocks replaced by block `j` (one row per `n·H` elements). */
const readBlock = (x: Operand, n: number, k: number, j: number): Operand => {
  const w = (x.shape[x.shape.length - 1] ?? 0) / n
  const data = Float32Array.from(x.data)
  for (let r = 0; r < data.length / (n * w); r++)
    for (let i = 0; i < w; i++) data[r * n * w + k * w + i] = x.data[r * n * w + j * w + i] ?? 0
  return { ...x, data }
}

describe('the comparison rejects a kernel that reads the wrong gate', () => {
  const k = {
    lstmGates: need(fusedFast, 'lstmGates'),
    lstmGatesBackward: need(fusedFast, 'lstmGatesBackward'),
    gruGates: need(fusedFast, 'gruGates'),
    gruGatesBackward: need(fusedFast, 'gruGatesBackward'),
  }
  const mutants: readonly (readonly [string, GateKernel, FusedKernels])[] = [
    ['lstmGates reads f as i', 'lstmGates', { lstmGates: (g, c) => k.lstmGates(readBlock(g, 4, 0, 1), c) }],
    [
      'lstmGatesBackward reads o as g',
      'lstmGatesBackward',
      { lstmGatesBackward: (g, c, dh, dc) => k.lstmGatesBackward(readBlock(g, 4, 2, 3), c, dh, dc) },
    ],
    ['gruGates reads z as r', 'gruGates', { gruGates: (x, p, h) => k.gruGates(readBlock(x, 3, 0, 1), p, h) }],
    [
      'gruGatesBackward reads r as z in hp',
      'gruGatesBackward',
      { gruGatesBackward: (x, p, h, ct) => k.gruGatesBackward(x, readBlock(p, 3, 1, 0), h, ct) },
    ],
  ]
  for (const [name, kernel, mutant] of mutants) {
    it(name, () => {
      const details = fc.check(
        fc.property(caseOf(kernel), (c) => worstError(c, mutant) <= TOL),
        { seed, numRuns: 200 },
      )
      expect(details.failed, `${name} passed ${details.numRuns} cases`).toBe(true)
    })
  }
})

/** One element's inputs repeated over `rows` × H (so every element of a result must be equal). */
const repeated = (kernel: GateKernel, values: readonly number[], h: number, rows: number): Operand[] => {
  let next = 0
  return widths[kernel].map((w) => {
    const block = values.slice(next, next + w)
    next += w
    const data = Float32Array.from({ length: rows * w * h }, (_, i) => block[Math.floor((i % (w * h)) / h)] ?? 0)
    return { shape: [rows, w * h], dtype: 'float32', data }
  })
}

describe('results depend on values, not positions; no state between calls', () => {
  const element = fc.array(fc.double({ min: -20, max: 20, noNaN: true }).map(Math.fround), { minLength: 12, maxLength: 12 })
  for (const kernel of gateKernels) {
    test.prop([element, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 3 })], { seed, numRuns })(
      `${kernel}: the tail and the body of a row agree, and a second call gives the same bits`,
      (values, h, rows) => {
        const inputs = repeated(kernel, values, h, rows)
        const first = run(fusedFast, kernel, inputs)
        const differ: string[] = []
        const second = run(fusedFast, kernel, inputs)
        results[kernel].forEach(([w], r) => {
          const out = first[r] ?? []
          const again = second[r] ?? []
          for (let row = 0; row < rows; row++)
            for (let b = 0; b < w; b++)
              for (let j = 0; j < h; j++) {
                const i = row * w * h + b * h + j
                if (!Object.is(out[i], out[b * h]))
                  differ.push(`result ${r} row ${row} block ${b} column ${j} differs from column 0`)
                if (!Object.is(again[i], out[i])) differ.push(`result ${r} element ${i} differs in the second call`)
              }
        })
        expect(differ).toEqual([])
      },
    )
  }
  it('results do not alias wasm memory, and survive the memory growing', () => {
    const small = repeated('lstmGates', [1, 2, 3, 4, 5], 3, 2)
    const [h] = run(fusedFast, 'lstmGates', small)
    expect(h instanceof Float32Array && h.buffer !== wasm.memory.buffer).toBe(true)
    const before = Array.from(h ?? [])
    run(fusedFast, 'lstmGates', repeated('lstmGates', [0.5, 1, 1.5, 2, 2.5], 1024, 256)) // 5 MiB of operands
    expect(Array.from(h ?? [])).toEqual(before)
    expect(Array.from(run(fusedFast, 'lstmGates', small)[0] ?? [])).toEqual(before)
  })
})

describe('float64 operands use the JavaScript kernels', () => {
  const cases = fusedCasesOf(['float64'])
  for (const kernel of gateKernels) {
    test.prop([cases[kernel]], { seed, numRuns: Math.ceil(numRuns / 4) })(kernel, (c) => {
      const got = run(fusedFast, kernel, c.inputs)
      const want = run(fused, kernel, c.inputs)
      expect(got.every((x) => x instanceof Float64Array)).toBe(true)
      expect(got.map((x) => Array.from(x))).toEqual(want.map((x) => Array.from(x)))
    })
  }
})

// ---- exp, σ, tanh -------------------------------------------------------------------------------

/** ulp of float32 at |v| (subnormal spacing below 2⁻¹²⁶). */
const ulp32 = (v: number): number => {
  const a = Math.abs(Math.fround(v))
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23)
}

const bits = new Uint32Array(1)
const asFloat = new Float32Array(bits.buffer)
/** Every `stride`-th float32 from 0 up to `to` and its negation down to −`from`, in order of bit patterns. */
const sweep = (from: number, to: number, stride: number): Float32Array => {
  const values: number[] = []
  for (const [sign, end] of [
    [0, to],
    [0x80000000, from],
  ] as const) {
    asFloat[0] = end
    const last = (bits[0] ?? 0) & 0x7fffffff
    for (let b = 0; b <= last; b += stride) {
      bits[0] = (b | sign) >>> 0
      values.push(asFloat[0] ?? 0)
    }
  }
  return Float32Array.from(values)
}

/** The worst error of `f` over `xs`, in ulps of float32 of the true value (`truth`, in float64). */
const worstUlps = (f: WasmFunction, xs: Float32Array, truth: (x: number) => number, skip: (t: number) => boolean) => {
  const ys = wasmMap(f, xs)
  let worst = 0
  let at = 0
  for (let i = 0; i < xs.length; i++) {
    const t = truth(xs[i] ?? 0)
    if (skip(t)) continue
    const e = Math.abs((ys[i] ?? Number.NaN) - t) / ulp32(t)
    if (!(e <= worst)) {
      worst = e
      at = xs[i] ?? 0
    }
  }
  return { worst, at }
}

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))

describe('exp, σ and tanh of the wasm kernels', () => {
  // About 2.2 million arguments each, every 997th float32 in the range (all magnitudes, dense near 0).
  const wide = sweep(104.5, 89, 997)
  it('exp: ≤ 2 ulp where exp is a normal float32 up to x = 88.37, +∞ above 88.38, within 2⁻¹²⁶ below the normal range', () => {
    const normal = worstUlps('exp', wide, Math.exp, (t) => t < 2 ** -126 || t > Math.exp(88.37))
    expect(normal.worst, `at ${normal.at}`).toBeLessThanOrEqual(2)
    const ys = wasmMap('exp', wide)
    const off: string[] = []
    wide.forEach((x, i) => {
      const t = Math.exp(x)
      const y = ys[i] ?? Number.NaN
      if (x > 88.38 && y !== Number.POSITIVE_INFINITY) off.push(`exp(${x}) = ${y}, not +∞`)
      if (t < 2 ** -126 && !(Math.abs(y - t) <= 2 ** -126)) off.push(`exp(${x}) = ${y}, not within 2⁻¹²⁶ of ${t}`)
    })
    expect(off).toEqual([])
    const specials = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1e4, -1e4, 1e38, -1e38, 0, -0, -88, -104]
    expect(Array.from(wasmMap('exp', Float32Array.from(specials)))).toEqual([
      Number.POSITIVE_INFINITY,
      0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      0,
      Number.POSITIVE_INFINITY,
      0,
      1,
      1,
      0,
      0,
    ])
  })
  it('σ: ≤ 3 ulp where σ is a normal float32, within 2⁻¹²⁶ below; tanh: ≤ 2 ulp everywhere', () => {
    const s = worstUlps('sigmoid', wide, sigmoid, (t) => t < 2 ** -126)
    expect(s.worst, `at ${s.at}`).toBeLessThanOrEqual(3)
    const ys = wasmMap('sigmoid', wide)
    const off = Array.from(wide).filter(
      (x, i) => sigmoid(x) < 2 ** -126 && !(Math.abs((ys[i] ?? Number.NaN) - sigmoid(x)) <= 2 ** -126),
    )
    expect(off).toEqual([])
    const t = worstUlps('tanh', wide, Math.tanh, () => false)
    expect(t.worst, `at ${t.at}`).toBeLessThanOrEqual(2)
  })
  it('saturate to exactly 0, 1, ±1 for large |x| and ±∞; NaN gives NaN; tanh(±0) = ±0', () => {
    const xs = Float32Array.from([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1e4,
      -1e4,
      1e38,
      -1e38,
      100,
      -100,
      Number.NaN,
    ])
    expect(Array.from(wasmMap('sigmoid', xs))).toEqual([1, 0, 1, 0, 1, 0, 1, 0, Number.NaN])
    expect(Array.from(wasmMap('tanh', xs))).toEqual([1, -1, 1, -1, 1, -1, 1, -1, Number.NaN])
    expect(Array.from(wasmMap('sigmoid', Float32Array.from([17, -88.8])))).toEqual([1, 0])
    expect(Object.is(wasmMap('tanh', Float32Array.from([-0]))[0], -0)).toBe(true)
    expect(Object.is(wasmMap('tanh', Float32Array.from([0]))[0], 0)).toBe(true)
  })
})

describe('saturation and NaN through the gate kernels', () => {
  const big = [Number.POSITIVE_INFINITY, 1e4, 1e30]
  it('σ = 1 or 0 and tanh = ±1 exactly: c′ and the GRU output are exact', () => {
    for (const v of big) {
      // i = σ(v) = 1, f = σ(−v) = 0, tanh(v) = 1: c′ = 0·7 + 1·1 = 1 exactly; h = σ(v)·tanh(1).
      const [h, c] = run(fusedFast, 'lstmGates', repeated('lstmGates', [v, -v, v, v, 7], 5, 1))
      expect(Array.from(c ?? [])).toEqual([1, 1, 1, 1, 1])
      expect(Array.from(h ?? [])).toEqual(Array.from(wasmMap('tanh', Float32Array.from([1, 1, 1, 1, 1]))))
      // r = σ(−v) = 0 (so r·h_n = 0), z = σ(−v) = 0, n = tanh(v) = 1: the output is n = 1 exactly.
      const [out] = run(fusedFast, 'gruGates', repeated('gruGates', [-v, -v, v, 0, 0, 5, 3], 6, 1))
      expect(Array.from(out ?? [])).toEqual([1, 1, 1, 1, 1, 1])
    }
  })
  it('the gradients at saturated gates are finite and within TOL·ε₃₂·m² of the JavaScript kernels’ (m = 3)', () => {
    for (const v of [...big, -1e4, Number.NEGATIVE_INFINITY]) {
      const lstm = repeated('lstmGatesBackward', [v, -v, v, -v, 2, 0.5, -3], 7, 2)
      // x + h of each GRU gate saturates too (never ∞ − ∞).
      const gru = repeated('gruGatesBackward', [v, -v, v, v, -v, 0.5, 2, -3], 7, 2)
      for (const [kernel, inputs] of [
        ['lstmGatesBackward', lstm],
        ['gruGatesBackward', gru],
      ] as const) {
        const got = run(fusedFast, kernel, inputs).flatMap((x) => Array.from(x))
        const want = run(fused, kernel, inputs).flatMap((x) => Array.from(x))
        expect(got.every(Number.isFinite), `${kernel} at ${v}`).toBe(true)
        const off = got.filter((x, i) => !(Math.abs(x - (want[i] ?? Number.NaN)) <= TOL * EPS * 9))
        expect(off, `${kernel} at ${v}`).toEqual([])
      }
    }
  })
  it('NaN in an element gives NaN in its results only', () => {
    const [g0, c, dh, dc] = repeated('lstmGatesBackward', [0.5, 1, -1, 2, 3, 0.25, -0.5], 6, 2) as [
      Operand,
      Operand,
      Operand,
      Operand,
    ]
    const data = Float32Array.from(g0.data)
    data[2] = Number.NaN // i of element 2 in row 0
    const g: Operand = { ...g0, data }
    /** Whether exactly the elements of column 2 in row 0 (of every block) are NaN. */
    const nanAt2 = (x: ReadonlyData | undefined, blocks: number) =>
      Array.from({ length: 2 * blocks * 6 }, (_, i) => Number.isNaN(x?.[i] ?? 0) === (i < blocks * 6 && i % 6 === 2))
    const [h, next] = run(fusedFast, 'lstmGates', [g, c])
    expect(nanAt2(h, 1).every(Boolean)).toBe(true)
    expect(nanAt2(next, 1).every(Boolean)).toBe(true)
    const [dg, dcPrev] = run(fusedFast, 'lstmGatesBackward', [g, c, dh, dc])
    expect(nanAt2(dg, 4).every(Boolean)).toBe(true)
    expect(nanAt2(dcPrev, 1).every(Boolean)).toBe(true)
  })
})
