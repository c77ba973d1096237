/**
 * `backendConformance(candidate, options)`: the properties a custom backend must pass, as a list of
 * named checks that any test runner can run.
 *
 * - One check per kernel (named after it): generated calls in every requested dtype, with shapes
 *   including scalars, size-0 and size-1 dimensions, broadcasting in every position and rare special
 *   values, compared element by element with the reference backend (tolerances in `KernelCase`),
 *   plus the ownership rules (inputs never written, results never shared between calls).
 * - One check per optional fused kernel the candidate has (`'fused.lstmGates'`, …), against the
 *   composed definition in core on the reference (`fusedCases.ts`).
 * - One end-to-end check per dtype (`'lstm float32'`, `'lstm float64'`): a small LSTM layer's
 *   outputs, loss and gradients with respect to every parameter equal the reference's (tolerance in
 *   `endToEnd`).
 *
 * Each check runs a fast-check property with `fc.check({ seed, numRuns })` and returns a
 * {@link ConformanceResult}; a failure carries the shrunk counterexample and a readable report.
 *
 * @since 0.1.0
 */
import { argReduceOps, type Backend, binaryOps, compareOps, type DType, reduceOps, unaryOps } from '@recur/core'
import fc from 'fast-check'
import { reference as referenceBackend } from '../reference.js'
import { kernelCasesOf } from './cases.js'
import { defaultLstmTolerance, lstmAgrees, lstmCase } from './endToEnd.js'
import { compareFused, type FusedKernelName, fusedCasesOf, fusedKernelNames } from './fusedCases.js'
import { compareKernel, type KernelName, type Tolerance } from './KernelCase.js'

/**
 * Tolerance overrides: per kernel, fields of `Tolerance` (merged over the defaults); for the
 * end-to-end checks, `lstm` in units of ε(dtype)·max|reference tensor| (default 256); for the fused
 * kernels, `fused` in ulps of `fusedCases.ts` (default 64).
 *
 * @category model
 * @since 0.1.0
 */
export type ConformanceTolerances = { readonly [K in KernelName]?: Partial<Tolerance> } & {
  readonly lstm?: number
  readonly fused?: number
}

/**
 * Options of {@link backendConformance}.
 *
 * @category model
 * @since 0.1.0
 */
export interface ConformanceOptions {
  /**
   * Generated cases per kernel check (default 100); kernels that take an op (`unary`, `binary`,
   * `compare`, `reduce`, `argReduce`) run this many per op, so every op is reached.
   */
  readonly numRuns?: number
  /** fast-check seed shared by every check (default: random; every result reports it). */
  readonly seed?: number
  /** Replays one counterexample: the `path` a failure reported (use with a single check). */
  readonly path?: string
  /** The dtypes to generate (default both). */
  readonly dtypes?: readonly DType[]
  /** The kernels to check (default all, in interface order). */
  readonly kernels?: readonly KernelName[]
  /** Run the LSTM checks (default true), optionally with their own number of cases (default 10). */
  readonly endToEnd?: boolean | { readonly numRuns?: number }
  /** Tolerance overrides (see {@link ConformanceTolerances}). */
  readonly tolerances?: ConformanceTolerances
  /** The backend that defines the semantics (default: `reference` from this package). */
  readonly reference?: Backend
  /**
   * The optional fused kernels to check (default: every one the candidate has; see
   * `fusedCases.ts`), each against the composed definition on the reference.
   */
  readonly fused?: readonly FusedKernelName[]
}

/**
 * A passed check.
 *
 * @category model
 * @since 0.1.0
 */
export interface ConformancePass {
  readonly passed: true
  readonly name: string
  readonly seed: number
  readonly numRuns: number
}

/**
 * A failed check, with the shrunk counterexample and how to replay it.
 *
 * @category model
 * @since 0.1.0
 */
export interface ConformanceFailure {
  readonly passed: false
  readonly name: string
  readonly seed: number
  /** fast-check's path to the shrunk counterexample (replay with `{ seed, path }`). */
  readonly path: string
  /** Cases run up to the first failure. */
  readonly numRuns: number
  readonly numShrinks: number
  /** The shrunk counterexample, rendered as the call it makes. */
  readonly counterexample: string
  /** What went wrong on the counterexample (the worst mismatch, or the thrown error). */
  readonly message: string
  /** All of the above as a readable multi-line report. */
  readonly report: string
}

/**
 * The outcome of one check.
 *
 * @category model
 * @since 0.1.0
 */
export type ConformanceResult = ConformancePass | ConformanceFailure

/**
 * One named check; `run` executes its property (synchronously) and never throws.
 *
 * @category model
 * @since 0.1.0
 */
export interface ConformanceCheck {
  /** The kernel name, or `'lstm float32'` / `'lstm float64'`. */
  readonly name: string
  readonly run: () => ConformanceResult
}

/** How many ops each kernel takes: its cases are multiplied by this. */
const opsPerKernel: { readonly [K in KernelName]?: number } = {
  unary: unaryOps.length,
  binary: binaryOps.length,
  compare: compareOps.length,
  reduce: reduceOps.length,
  argReduce: argReduceOps.length,
}

const render = (value: unknown): string =>
  Array.isArray(value) && value.length === 1 ? fc.stringify(value[0]) : fc.stringify(value)

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** Runs a property and turns fast-check's details into a result. */
const runProperty = <T>(
  backend: Backend,
  name: string,
  property: fc.IProperty<[T]>,
  params: { seed: number; numRuns: number; path?: string },
  replay: string,
): ConformanceResult => {
  const details = fc.check(property, params)
  if (!details.failed) return { passed: true, name, seed: details.seed, numRuns: details.numRuns }
  const counterexample = details.counterexample === null ? '(none)' : render(details.counterexample)
  const message = errorText(details.errorInstance)
  const path = details.counterexamplePath ?? ''
  const report = [
    `backend '${backend.name}' fails conformance check '${name}':`,
    `  ${message}`,
    `  counterexample (shrunk ${details.numShrinks} times): ${counterexample}`,
    `  found after ${details.numRuns} cases with seed ${details.seed}`,
    `  replay: backendConformance(candidate, { ...options, seed: ${details.seed}, path: '${path}', ${replay} })[0].run()`,
  ].join('\n')
  return {
    passed: false,
    name,
    seed: details.seed,
    path,
    numRuns: details.numRuns,
    numShrinks: details.numShrinks,
    counterexample,
    message,
    report,
  }
}

/**
 * The conformance checks of `candidate`: one per kernel, then one end-to-end LSTM check per dtype.
 * Nothing runs until a check's `run` is called.
 *
 * @example
 * for (const check of backendConformance(myBackend, { seed: 42 })) {
 *   const result = check.run()
 *   if (!result.passed) console.error(result.report)
 * }
 *
 * @category conformance
 * @since 0.1.0
 */
export const backendConformance = (candidate: Backend, options: ConformanceOptions = {}): readonly ConformanceCheck[] => {
  const reference = options.reference ?? referenceBackend
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31)
  const dtypes = options.dtypes ?? (['float32', 'float64'] as const)
  const numRuns = options.numRuns ?? 100
  const params = { seed, numRuns, ...(options.path === undefined ? {} : { path: options.path }) }
  const cases = kernelCasesOf(dtypes)
  const kernelChecks = (options.kernels ?? (Object.keys(cases) as KernelName[])).map(
    (kernel): ConformanceCheck => ({
      name: kernel,
      run: () => {
        const property = fc.property(cases[kernel], (c) => {
          const mismatch = compareKernel(candidate, reference, c, options.tolerances?.[kernel])
          if (mismatch !== undefined) throw new Error(mismatch)
        })
        const runs = { ...params, numRuns: numRuns * (opsPerKernel[kernel] ?? 1) }
        return runProperty(candidate, kernel, property, runs, `kernels: ['${kernel}'], endToEnd: false`)
      },
    }),
  )
  const fusedCases = fusedCasesOf(dtypes)
  const fusedChecks = (options.fused ?? fusedKernelNames)
    .filter((kernel) => candidate.fused?.[kernel] !== undefined)
    .map(
      (kernel): ConformanceCheck => ({
        name: `fused.${kernel}`,
        run: () => {
          const property = fc.property(fusedCases[kernel], (c) => {
            const mismatch = compareFused(candidate, reference, c, options.tolerances?.fused)
            if (mismatch !== undefined) throw new Error(mismatch)
          })
          const replay = `kernels: [], endToEnd: false, fused: ['${kernel}']`
          return runProperty(candidate, `fused.${kernel}`, property, params, replay)
        },
      }),
    )
  const e2e = options.endToEnd ?? true
  if (e2e === false) return [...kernelChecks, ...fusedChecks]
  const e2eParams = { ...params, numRuns: (e2e === true ? undefined : e2e.numRuns) ?? 10 }
  const ulps = options.tolerances?.lstm ?? defaultLstmTolerance
  const lstmChecks = dtypes.map(
    (dtype): ConformanceCheck => ({
      name: `lstm ${dtype}`,
      run: () => {
        const property = fc.property(lstmCase, (c) => {
          const mismatch = lstmAgrees(candidate, reference, dtype, c, ulps)
          if (mismatch !== undefined) throw new Error(mismatch)
        })
        return runProperty(candidate, `lstm ${dtype}`, property, e2eParams, `kernels: [], dtypes: ['${dtype}']`)
      },
    }),
  )
  return [...kernelChecks, ...fusedChecks, ...lstmChecks]
}

/**
 * Throws an `Error` whose message is the report of a failed result; does nothing for a pass.
 *
 * @category conformance
 * @since 0.1.0
 */
export const assertConformance = (result: ConformanceResult): void => {
  if (!result.passed) throw new Error(result.report)
}

/**
 * Registers every check as one test of a runner whose `test(name, fn)` has the usual shape
 * (vitest's and jest's `it`, mocha's `it`, `node:test`'s `test`); a failing check throws its report.
 *
 * @example
 * describe('myBackend conforms', () => registerConformance(myBackend, it, { seed }))
 *
 * @category conformance
 * @since 0.1.0
 */
export const registerConformance = (
  candidate: Backend,
  test: (name: string, fn: () => void) => unknown,
  options: ConformanceOptions = {},
): void => {
  for (const check of backendConformance(candidate, options)) test(check.name, () => assertConformance(check.run()))
}
