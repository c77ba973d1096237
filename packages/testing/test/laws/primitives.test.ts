/**
 * The derivative laws on every entry of the operation catalog: forward mode against central
 * differences, reverse mode as the transpose of forward mode, linearity of tangents and identical
 * primal outputs for smooth operations; exactly zero derivatives for piecewise-constant ones.
 * Tensors live on the reference backend (the testing package does not depend on cpu).
 *
 * Reproduce a run with FC_SEED=<seed printed below>; FC_RUNS sets the runs per law and operation.
 */
import { test } from '@fast-check/vitest'
import { argReduceOps, binaryOps, compareOps, reduceOps, unaryOps } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { lawInputs, opCatalog } from '../../src/laws/catalog/index.js'
import {
  derivativeIsZero,
  jvpMatchesFiniteDifferences,
  primalsAgree,
  tangentsAreLinear,
  vjpIsTransposeOfJvp,
} from '../../src/laws/gradients.js'
import { reference } from '../../src/reference.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 100)
process.stdout.write(`derivative laws on the operation catalog: seed ${seed}, ${numRuns} runs per law and operation\n`)

describe.each(opCatalog.map((entry) => [entry.op, entry] as const))('%s', (_, entry) => {
  const inputs = lawInputs(reference, entry.cases(reference))
  const options = { seed, numRuns }
  if (entry.finiteDifferences) {
    test.prop([inputs], options)('jvp matches central differences', (c) => {
      expect(jvpMatchesFiniteDifferences(c.f, c.primals, c.tangents, c.fd)).toBeUndefined()
    })
  }
  if (entry.derivative === 'smooth') {
    test.prop([inputs], options)('vjp is the transpose of jvp', (c) => {
      expect(vjpIsTransposeOfJvp(c.f, c.primals, c.tangents, c.cotangents)).toBeUndefined()
    })
    test.prop([inputs], options)('tangents are linear', (c) => {
      expect(tangentsAreLinear(c.f, c.primals, c.tangents, c.tangents2, c.a, c.b)).toBeUndefined()
    })
  } else {
    test.prop([inputs], options)('derivatives are zero', (c) => {
      expect(derivativeIsZero(c.f, c.primals, c.tangents, c.cotangents)).toBeUndefined()
    })
  }
  test.prop([inputs], options)('transformations do not change values', (c) => {
    expect(primalsAgree(c.f, c.primals, c.tangents)).toBeUndefined()
  })
})

describe('the catalog', () => {
  it('covers every primitive and every public operation', () => {
    const composite = 'mean logSumExp logSoftmax softmax where clip cast stopGradient matmul transpose reshape broadcastTo'
    const movement = 'expandDims squeeze slice pad concat stack index unstack gather scatterAdd oneHot'
    const others = `${composite} ${movement}`.split(' ')
    const expected = [...unaryOps, ...binaryOps, ...compareOps, ...reduceOps, ...argReduceOps, ...others]
    const covered = new Set(opCatalog.map((e) => e.op.split(' ')[0]))
    expect(expected.filter((op) => !covered.has(op))).toEqual([])
  })
})
