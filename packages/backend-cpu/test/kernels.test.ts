/**
 * Every kernel of `cpu` equals the reference backend on generated calls: random shapes (scalars,
 * size-0 and size-1 dimensions), broadcasting in every position, both dtypes, rare special values.
 * The tolerances are justified in `@recur/testing`'s KernelCase module: exact for everything but
 * accumulating kernels.
 *
 * Reproduce a run with FC_SEED=<seed printed below>.
 */
import { fc, test } from '@fast-check/vitest'
import { compareKernel, type KernelName, kernelCases, reference } from '@recur/testing'
import { describe, expect } from 'vitest'
import { cpu } from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 400)
process.stdout.write(`cpu kernel properties: seed ${seed}, ${numRuns} runs per kernel\n`)

describe('cpu equals reference on every kernel', () => {
  for (const kernel of Object.keys(kernelCases) as KernelName[]) {
    test.prop([kernelCases[kernel]], { seed, numRuns })(kernel, (c) => {
      expect(compareKernel(cpu, reference, c)).toBeUndefined()
    })
  }
})

describe('the kernel cases cover the interface', () => {
  test.prop([fc.constant(null)], { numRuns: 1 })('every required Backend kernel has a case', () => {
    const kernels = Object.keys(cpu).filter((k) => k !== 'name' && k !== 'fused')
    expect(Object.keys(kernelCases).sort()).toEqual(kernels.sort())
  })
})
