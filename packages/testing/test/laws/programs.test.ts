/**
 * The derivative laws on random programs: compositions of up to six smooth operations (unary,
 * broadcasting binary, reductions, softmax, matmul, transpose, reshape, gather, concat/slice
 * windows, pad/slice shifts) over up to three inputs, with tensor or pair outputs. Counterexamples
 * print the program, one step per line.
 *
 * Reproduce a run with FC_SEED=<seed printed below>; FC_RUNS sets the runs per law.
 */
import { fc, test } from '@fast-check/vitest'
import * as core from '@recur/core'
import { describe, expect, it } from 'vitest'
import { programCase } from '../../src/arbitraries/programs.js'
import { lawInputs } from '../../src/laws/catalog/index.js'
import { jvpMatchesFiniteDifferences, primalsAgree, tangentsAreLinear, vjpIsTransposeOfJvp } from '../../src/laws/gradients.js'
import { runProgram, showProgram } from '../../src/laws/program.js'
import { reference } from '../../src/reference.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 200)
process.stdout.write(`derivative laws on random programs: seed ${seed}, ${numRuns} runs per law\n`)

const inputs = lawInputs(reference, programCase(reference))
const options = { seed, numRuns }

describe('random programs', () => {
  test.prop([inputs], options)('jvp matches central differences', (c) => {
    expect(jvpMatchesFiniteDifferences(c.f, c.primals, c.tangents)).toBeUndefined()
  })
  test.prop([inputs], options)('vjp is the transpose of jvp', (c) => {
    expect(vjpIsTransposeOfJvp(c.f, c.primals, c.tangents, c.cotangents)).toBeUndefined()
  })
  test.prop([inputs], options)('tangents are linear', (c) => {
    expect(tangentsAreLinear(c.f, c.primals, c.tangents, c.tangents2, c.a, c.b)).toBeUndefined()
  })
  test.prop([inputs], options)('transformations do not change values', (c) => {
    expect(primalsAgree(c.f, c.primals, c.tangents)).toBeUndefined()
  })
})

describe('the program arbitrary', () => {
  test.prop([programCase(reference)], options)('every program runs and has the shapes it claims', (c) => {
    const p = c.program
    const claimed = p.outputs.map((i) => (i < p.inputs.length ? p.inputs[i] : p.steps[i - p.inputs.length]?.shape))
    expect(core.Tree.leaves(runProgram(p, c.primals)).map((t) => t.shape)).toEqual(claimed)
    expect(showProgram(p).split('\n')).toHaveLength(p.steps.length + 2)
  })
  it('programs reach every kind of step', () => {
    const kinds = new Set(
      fc.sample(programCase(reference), { numRuns: 300, seed }).flatMap((c) => c.program.steps.map((s) => s.kind)),
    )
    expect([...kinds].sort()).toEqual([
      'binary',
      'gather',
      'matmul',
      'reduce',
      'reshape',
      'shift',
      'softmax',
      'transpose',
      'unary',
      'window',
    ])
  })
})
