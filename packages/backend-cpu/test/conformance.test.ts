/**
 * `cpu` passes the backend conformance kit of `@recur/testing`: every kernel against the reference
 * backend on generated calls in both dtypes (values within the kit's tolerances, inputs never
 * written, results never shared between calls), and a small LSTM's values and gradients equal the
 * reference's in float32 and float64. One test per check.
 *
 * Reproduce a run with FC_SEED=<seed printed below>; FC_RUNS sets the cases per kernel (per op).
 */
import { registerConformance } from '@recur/testing'
import { describe, it } from 'vitest'
import { cpu } from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 100)
process.stdout.write(`cpu conformance: seed ${seed}, ${numRuns} cases per kernel and op\n`)

describe('cpu conforms to the Backend contract', () => {
  registerConformance(cpu, it, { seed, numRuns })
})
