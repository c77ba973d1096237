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
  composedLstmGates,
  concat,
  type DType,
  epsilon,
  type FusedKernels,
  fromTypedArray,
  type Operand,
  type ReadonlyData,
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
export const fusedKernelNames: readonly FusedKernelName[] = ['lstmGates', 'lstmGatesBackward', 'gruGates', 'gruGatesBackward']

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
  /** S of the module header: max(1, max |input element|)². */
  readonly scale: number
}

/** Widths of the operands in units of H, per kernel. */
const widths: { readonly [K in FusedKernelName]: readonly number[] } = {
  lstmGates: [4, 1],
  lstmGatesBackward: [4, 1, 2],
  gruGates: [3, 3, 1],
  gruGatesBackward: [3, 3, 1, 1],
}

const showFused = (c: FusedCase): string => `fused.${c.kernel}(${c.inputs.map(showOperand).join(', ')})`

const caseOf = (kernel: FusedKernelName, dtype: DType, inputs: readonly Operand[]): FusedCase => {
  let m = 1
  for (const x of inputs) for (let i = 0; i < x.data.length; i++) m = Math.max(m, Math.abs(x.data[i] ?? 0))
  const c: FusedCase = { kernel, dtype, inputs, scale: m * m }
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
  const arbitrary = (kernel: FusedKernelName): fc.Arbitrary<FusedCase> =>
    fc
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
  }
}

const last = (t: Tensor): number => t.rank - 1
const lstm = (g: Tensor, c: Tensor): Tensor => {
  const [h, next] = composedLstmGates(g, c)
  return concat([h, next], last(h))
}

/** The composed definition of `kernel` on `inputs`, evaluated with tensors of `backend`. */
const composed = (kernel: FusedKernelName, xs: readonly Tensor[]): Tensor => {
  const [a, b, c, d] = xs as [Tensor, Tensor, Tensor, Tensor | undefined]
  switch (kernel) {
    case 'lstmGates':
      return lstm(a, b)
    case 'lstmGatesBackward': {
      const [dg, dc] = vjp(lstm, [a, b])[1](c)
      return concat([dg, dc], last(dg))
    }
    case 'gruGates':
      return composedGruGates(a, b, c)
    case 'gruGatesBackward': {
      const [dx, dp, dh] = vjp(composedGruGates, [a, b, c])[1](d ?? c)
      return concat([dx, dp, dh], last(dx))
    }
  }
}

/**
 * The result the composed definition gives for a case on `reference` (whose own fused kernels are
 * not used).
 *
 * @category laws
 * @since 0.1.0
 */
export const composedResult = (reference: Backend, c: FusedCase): ReadonlyData => {
  const { fused: _, ...required } = reference
  const backend: Backend = { ...required, name: `${reference.name} (composed)` }
  const copy = (x: Operand) =>
    fromTypedArray(x.dtype === 'float32' ? Float32Array.from(x.data) : Float64Array.from(x.data), x.shape, { backend })
  return composed(c.kernel, c.inputs.map(copy)).toTypedArray()
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
  const kernel: ((...xs: Operand[]) => ReadonlyData) | undefined = candidate.fused?.[c.kernel]
  if (kernel === undefined) return undefined
  const expected = composedResult(reference, c)
  const before = c.inputs.map((x) => snapshot(x.data))
  const actual = kernel(...c.inputs)
  const written = c.inputs.findIndex((x, i) => snapshot(x.data).some((v, j) => !Object.is(v, before[i]?.[j])))
  if (written >= 0) return `${showFused(c)}: the kernel wrote into input ${written} (inputs are read-only)`
  const kind = c.dtype === 'float32' ? Float32Array : Float64Array
  if (!(actual instanceof kind)) return `${showFused(c)}: result is not a ${kind.name}`
  if (actual.length !== expected.length) return `${showFused(c)}: ${actual.length} elements, expected ${expected.length}`
  if (c.inputs.some((x) => x.data === actual)) return `${showFused(c)}: returned an input's memory`
  const tol = ulps * epsilon(c.dtype) * c.scale
  let worst: { i: number; err: number } | undefined
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] ?? Number.NaN
    const a = actual[i] ?? Number.NaN
    const err = Number.isNaN(a - e) ? (Number.isNaN(a) && Number.isNaN(e) ? 0 : Number.POSITIVE_INFINITY) : Math.abs(a - e)
    if (err > tol && (worst === undefined || err > worst.err)) worst = { i, err }
  }
  if (worst === undefined) return undefined
  return `${showFused(c)}: element ${worst.i} is ${actual[worst.i]}, composed definition ${expected[worst.i]} (tolerance ${tol} = ${ulps}·ε·${c.scale})`
}
