/**
 * Conformance cases for the optional fused kernels of a backend (`backend.fused`): generated calls
 * of each fused kernel the candidate has, compared with the composed definition in core evaluated
 * on the reference backend (its fused kernels, if any, removed): `composedLstmGates`,
 * `composedGruGates`, and their pullbacks by reverse mode through them.
 *
 * Operands: leading dimensions `…` of rank 0 to 2 with sizes 0 to 3 (so empty batches too), hidden
 * size H from 1 to 5, finite values in [−6, 6] (gates well into saturation).
 *
 * Tolerance (default 64 ulps): |candidate − reference| ≤ ulps·ε(dtype)·S per element, with S =
 * max(1, max |input element|)² for the case. Each output is at most about a dozen operations on
 * products of two inputs (the LSTM's c·σ′(f)·ct, the GRU's (h − n)·ct) with factors σ, σ′, tanh,
 * 1 − tanh² bounded by 1, so any two evaluation orders — rounding after every operation as the
 * composition does, or once at the end — differ by about 12·ε·S. A wrong gate, factor or layout is
 * off by a fraction of S.
 *
 * @since 0.1.0
 */
import {
  type Backend,
  composedGruGates,
  composedGruRecurrence,
  composedGruRecurrenceBackward,
  composedLstmGates,
  composedLstmRecurrence,
  composedLstmRecurrenceBackward,
  type DType,
  epsilon,
  type FusedKernels,
  fromTypedArray,
  type Operand,
  type ReadonlyData,
  type RecurrenceOptions,
  type Shape,
  type Tensor,
  vjp,
} from '@recur/core'
import fc from 'fast-check'
import { operandOf, showOperand } from '../arbitraries/operand.js'

/**
 * The optional fused kernels.
 *
 * @category model
 * @since 0.1.0
 */
export type FusedKernelName = keyof FusedKernels

/**
 * The fused kernels in interface order.
 *
 * @category model
 * @since 0.1.0
 */
export const fusedKernelNames: readonly FusedKernelName[] = [
  'lstmGates',
  'lstmGatesBackward',
  'gruGates',
  'gruGatesBackward',
  'lstmRecurrence',
  'lstmRecurrenceBackward',
  'gruRecurrence',
  'gruRecurrenceBackward',
]

/**
 * One call of a fused kernel.
 *
 * @category model
 * @since 0.1.0
 */
export interface FusedCase {
  readonly kernel: FusedKernelName
  readonly dtype: DType
  readonly inputs: readonly Operand[]
  /**
   * S of the module header: max(1, max |input element|)²; for a recurrence over L steps of hidden
   * size H and input size I, times (H + I + 1)·2^L (see {@link recurrenceOperands}).
   */
  readonly scale: number
  /** For the recurrences: run from the last step to the first. */
  readonly reverse: boolean
  /** For the forward recurrences: keep the residuals for the backward pass. */
  readonly residuals: boolean
}

type GateKernel = 'lstmGates' | 'lstmGatesBackward' | 'gruGates' | 'gruGatesBackward'
type RecurrenceKernel = Exclude<FusedKernelName, GateKernel>

/** Widths of the operands in units of H, per gate kernel. */
const widths: { readonly [K in GateKernel]: readonly number[] } = {
  lstmGates: [4, 1],
  lstmGatesBackward: [4, 1, 1, 1],
  gruGates: [3, 3, 1],
  gruGatesBackward: [3, 3, 1, 1],
}

/**
 * The operands of a recurrence kernel for L steps, batch N, input size I and hidden size H, as
 * `[shape, bound]`: sequences `(L, N, k·H)` (the input `(L, N, I)`), states `(N, H)`, weights
 * `(G·H, H)` and `(G·H, I)`, biases `(G·H)`. The weights are bounded by 1/H and 1/I, so that
 * |h·W_hhᵀ| ≤ 1 and |x·W_ihᵀ| ≤ max |x|, and a step is at most about 2-Lipschitz in its state:
 * an error of e in a state grows to at most about 2^L·e, and each step adds at most about
 * (12 + H + I)·ε·S (the gates, and each product's k·ε·Σ|a·b|). Hence the tolerance scale
 * S·(H + I + 1)·2^L, times L·N for the bias cotangents (sums over L·N rows); a wrong gate, order
 * or direction is off by a fraction of S.
 */
const recurrenceOperands = (
  kernel: RecurrenceKernel,
  l: number,
  n: number,
  h: number,
  i: number,
): readonly (readonly [Shape, number])[] => {
  const [w, v] = [1 / h, 1 / i]
  switch (kernel) {
    case 'lstmRecurrence':
      return [
        [[l, n, i], 2],
        [[4 * h, i], v],
        [[4 * h, h], w],
        [[4 * h], 1],
        [[n, h], 1],
        [[n, h], 2],
      ]
    case 'lstmRecurrenceBackward':
      return [
        [[l, n, 4 * h], 4],
        [[l, n, h], 2],
        [[n, h], 2],
        [[4 * h, h], w],
        [[l, n, h], 1],
        [[n, h], 1],
        [[n, h], 1],
      ]
    case 'gruRecurrence':
      return [
        [[l, n, i], 2],
        [[3 * h, i], v],
        [[3 * h, h], w],
        [[3 * h], 1],
        [[3 * h], 1],
        [[n, h], 1],
      ]
    case 'gruRecurrenceBackward':
      return [
        [[l, n, 3 * h], 4],
        [[l, n, 3 * h], 4],
        [[l, n, h], 1],
        [[n, h], 1],
        [[3 * h, h], w],
        [[l, n, h], 1],
        [[n, h], 1],
      ]
  }
}

const isGate = (k: FusedKernelName): k is GateKernel => k in widths

/** `x` with every element times `factor` (rounded to the dtype). */
const scaled = (x: Operand, factor: number): Operand =>
  factor === 1
    ? x
    : {
        ...x,
        data: x.dtype === 'float32' ? Float32Array.from(x.data, (v) => v * factor) : Float64Array.from(x.data, (v) => v * factor),
      }

const showFused = (c: FusedCase): string =>
  `fused.${c.kernel}(${c.inputs.map(showOperand).join(', ')}${isGate(c.kernel) ? '' : `, reverse: ${c.reverse}, residuals: ${c.residuals}`})`

const caseOf = (
  kernel: FusedKernelName,
  dtype: DType,
  inputs: readonly Operand[],
  { reverse, residuals }: { readonly reverse: boolean; readonly residuals: boolean } = { reverse: false, residuals: true },
  growth = 1,
): FusedCase => {
  let m = 1
  for (const x of inputs) for (let i = 0; i < x.data.length; i++) m = Math.max(m, Math.abs(x.data[i] ?? 0))
  const c: FusedCase = { kernel, dtype, inputs, scale: m * m * growth, reverse, residuals }
  const shown: FusedCase & fc.WithToStringMethod = { ...c, [fc.toStringMethod]: () => showFused(c) }
  return shown
}

/**
 * Generated calls of each fused kernel in the given dtypes.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const fusedCasesOf = (
  dtypes: readonly DType[] = ['float32', 'float64'],
): { readonly [K in FusedKernelName]: fc.Arbitrary<FusedCase> } => {
  if (dtypes.length === 0) throw new RangeError('fusedCasesOf: dtypes must not be empty')
  const recurrence = (kernel: RecurrenceKernel): fc.Arbitrary<FusedCase> =>
    fc
      .record({
        dtype: fc.constantFrom(...dtypes),
        l: fc.integer({ min: 0, max: 3 }),
        n: fc.integer({ min: 0, max: 3 }),
        h: fc.integer({ min: 1, max: 5 }),
        i: fc.integer({ min: 1, max: 4 }),
        reverse: fc.boolean(),
        residuals: kernel.endsWith('Backward') ? fc.constant(true) : fc.boolean(),
      })
      .chain(({ dtype, l, n, h, i, reverse, residuals }) =>
        fc
          .tuple(
            ...recurrenceOperands(kernel, l, n, h, i).map(([shape, bound]) =>
              operandOf(shape, dtype, { bound: Math.max(1, bound), specials: false }).map((x) => scaled(x, Math.min(1, bound))),
            ),
          )
          .map((inputs) => caseOf(kernel, dtype, inputs, { reverse, residuals }, (h + i + 1) * 2 ** l * Math.max(1, l * n))),
      )
  const arbitrary = (kernel: FusedKernelName): fc.Arbitrary<FusedCase> =>
    !isGate(kernel)
      ? recurrence(kernel)
      : fc
          .tuple(
            fc.constantFrom(...dtypes),
            fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
            fc.integer({ min: 1, max: 5 }),
          )
          .chain(([dtype, lead, h]) =>
            fc
              .tuple(...widths[kernel].map((w) => operandOf([...lead, w * h], dtype, { bound: 6, specials: false })))
              .map((inputs) => caseOf(kernel, dtype, inputs)),
          )
  return {
    lstmGates: arbitrary('lstmGates'),
    lstmGatesBackward: arbitrary('lstmGatesBackward'),
    gruGates: arbitrary('gruGates'),
    gruGatesBackward: arbitrary('gruGatesBackward'),
    lstmRecurrence: arbitrary('lstmRecurrence'),
    lstmRecurrenceBackward: arbitrary('lstmRecurrenceBackward'),
    gruRecurrence: arbitrary('gruRecurrence'),
    gruRecurrenceBackward: arbitrary('gruRecurrenceBackward'),
  }
}

/** The composed definition of `kernel` on `xs` (tensors of the reference backend), result by result. */
const composed = (kernel: FusedKernelName, xs: readonly Tensor[], o: RecurrenceOptions): readonly Tensor[] => {
  const [a, b, c, d, e, f, g] = xs as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]
  switch (kernel) {
    case 'lstmRecurrence':
      return composedLstmRecurrence(a, b, c, d, e, f, o)
    case 'lstmRecurrenceBackward':
      return composedLstmRecurrenceBackward(a, b, c, d, e, f, g, o)
    case 'gruRecurrence':
      return composedGruRecurrence(a, b, c, d, e, f, o)
    case 'gruRecurrenceBackward':
      return composedGruRecurrenceBackward(a, b, c, d, e, f, g, o)
    case 'lstmGates':
      return composedLstmGates(a, b)
    case 'lstmGatesBackward':
      return vjp((g: Tensor, s: Tensor) => [...composedLstmGates(g, s)], [a, b])[1]([c, d])
    case 'gruGates':
      return [composedGruGates(a, b, c)]
    case 'gruGatesBackward':
      return vjp(composedGruGates, [a, b, c])[1](d)
  }
}

/**
 * The results the composed definition gives for a case on `reference` (whose own fused kernels are
 * not used).
 *
 * @category laws
 * @since 0.1.0
 */
export const composedResult = (reference: Backend, c: FusedCase): readonly ReadonlyData[] => {
  const { fused: _, ...required } = reference
  const backend: Backend = { ...required, name: `${reference.name} (composed)` }
  const copy = (x: Operand) =>
    fromTypedArray(x.dtype === 'float32' ? Float32Array.from(x.data) : Float64Array.from(x.data), x.shape, { backend })
  return composed(c.kernel, c.inputs.map(copy), { reverse: c.reverse, residuals: c.residuals }).map((t) => t.toTypedArray())
}

/** The candidate's kernel `c.kernel` on the case's inputs, its results as a list; `undefined` if absent. */
const runFused = (candidate: Backend, c: FusedCase): readonly ReadonlyData[] | undefined => {
  const k = candidate.fused
  const [a, b, x, d, e, f, g] = c.inputs as [Operand, Operand, Operand, Operand, Operand, Operand, Operand]
  switch (c.kernel) {
    case 'lstmRecurrence':
      return k?.lstmRecurrence?.(a, b, x, d, e, f, c.reverse, c.residuals)
    case 'lstmRecurrenceBackward':
      return k?.lstmRecurrenceBackward?.(a, b, x, d, e, f, g, c.reverse)
    case 'gruRecurrence':
      return k?.gruRecurrence?.(a, b, x, d, e, f, c.reverse, c.residuals)
    case 'gruRecurrenceBackward':
      return k?.gruRecurrenceBackward?.(a, b, x, d, e, f, g, c.reverse)
    case 'lstmGates':
      return k?.lstmGates?.(a, b)
    case 'lstmGatesBackward':
      return k?.lstmGatesBackward?.(a, b, x, d)
    case 'gruGates': {
      const out = k?.gruGates?.(a, b, x)
      return out === undefined ? undefined : [out]
    }
    case 'gruGatesBackward':
      return k?.gruGatesBackward?.(a, b, x, d)
  }
}

const snapshot = (d: ReadonlyData): number[] => Array.from({ length: d.length }, (_, i) => d[i] ?? Number.NaN)

/**
 * Runs a case on the candidate's fused kernel and compares it with the composed definition on
 * `reference`; returns the worst mismatch (or a written input) or `undefined`. A candidate without
 * the kernel passes trivially (core then uses the composition).
 *
 * @category laws
 * @since 0.1.0
 */
export const compareFused = (candidate: Backend, reference: Backend, c: FusedCase, ulps = 64): string | undefined => {
  if (candidate.fused?.[c.kernel] === undefined) return undefined
  const expected = composedResult(reference, c)
  const before = c.inputs.map((x) => snapshot(x.data))
  const ran = runFused(candidate, c)
  if (ran === undefined) return undefined // a recurrence kernel that does not take these operands
  const actual = ran
  const written = c.inputs.findIndex((x, i) => snapshot(x.data).some((v, j) => !Object.is(v, before[i]?.[j])))
  if (written >= 0) return `${showFused(c)}: the kernel wrote into input ${written} (inputs are read-only)`
  if (actual.length !== expected.length) return `${showFused(c)}: ${actual.length} results, expected ${expected.length}`
  const kind = c.dtype === 'float32' ? Float32Array : Float64Array
  const tol = ulps * epsilon(c.dtype) * c.scale
  for (const [r, out] of actual.entries()) {
    const want = expected[r] ?? []
    if (!(out instanceof kind)) return `${showFused(c)}: result ${r} is not a ${kind.name}`
    if (out.length !== want.length) return `${showFused(c)}: result ${r} has ${out.length} elements, expected ${want.length}`
    if (c.inputs.some((x) => x.data === out) || actual.some((o, q) => q !== r && o === out))
      return `${showFused(c)}: result ${r} shares memory with an input or another result`
    let worst: { i: number; err: number } | undefined
    for (let i = 0; i < want.length; i++) {
      const e = want[i] ?? Number.NaN
      const a = out[i] ?? Number.NaN
      const err = Number.isNaN(a - e) ? (Number.isNaN(a) && Number.isNaN(e) ? 0 : Number.POSITIVE_INFINITY) : Math.abs(a - e)
      if (err > tol && (worst === undefined || err > worst.err)) worst = { i, err }
    }
    if (worst !== undefined)
      return `${showFused(c)}: result ${r} element ${worst.i} is ${out[worst.i]}, composed definition ${want[worst.i]} (tolerance ${tol} = ${ulps}·ε·${c.scale})`
  }
  return undefined
}
