/**
 * Mutation test of the conformance kit: each mutant is the reference backend with one realistic
 * bug, and `backendConformance` must reject it — in the check of the kernel that has the bug, with
 * a shrunk counterexample, and in no other kernel check. This runs in CI so that the kit cannot
 * silently weaken (a loosened tolerance, a lost shape family, a dropped ownership rule).
 *
 * Reproduce a run with FC_SEED=<seed printed below>.
 */
import { describe, expect, it } from 'vitest'
import { backendConformance } from '../../src/conformance/index.js'
import { reference } from '../../src/reference.js'
import { mutants } from './mutants.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
process.stdout.write(`conformance mutants: seed ${seed}\n`)

describe('backendConformance rejects every mutant', () => {
  it('accepts the unmutated reference (so the rejections below are the bugs)', () => {
    const failures = backendConformance(reference, { seed, numRuns: 30, endToEnd: { numRuns: 3 } })
      .map((c) => c.run())
      .flatMap((r) => (r.passed ? [] : [r.report]))
    expect(failures).toEqual([])
  })

  for (const m of mutants) {
    it(`${m.backend.name}: ${m.bug}`, () => {
      const results = backendConformance(m.backend, { seed, numRuns: 30, endToEnd: { numRuns: 3 } }).map((c) => c.run())
      const target = results.find((r) => r.name === m.check)
      if (target === undefined || target.passed) throw new Error(`'${m.check}' did not reject ${m.backend.name}`)
      expect(target.counterexample.startsWith(`${m.check}(`)).toBe(true)
      expect(target.report).toContain(`counterexample (shrunk ${target.numShrinks} times): ${target.counterexample}`)
      expect(target.report).toContain(`{ ...options, seed: ${seed}, path: '${target.path}', kernels: ['${m.check}']`)
      const rejectedBy = results.filter((r) => !r.passed).map((r) => r.name)
      expect(rejectedBy.filter((name) => !name.startsWith('lstm'))).toEqual([m.check])
      process.stdout.write(`${target.report}\n  also rejected by: ${rejectedBy.filter((n) => n !== m.check).join(', ') || '-'}\n`)
    })
  }
})
