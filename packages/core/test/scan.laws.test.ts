/**
 * scan's laws (`scanLaws` of `@recur/testing`) as properties over random lengths (including 0),
 * weights and inputs, in float64 on `cpu`: scan equals the unrolled loop in value, JVP and VJP;
 * reverse scan equals scanning the reversed sequence; truncate ≥ T and checkpoint (any segment
 * size) give the full BPTT gradient. The laws and their tolerance (1e-13 relative; truncate
 * exact) are documented in `packages/testing/src/laws/scan.ts`.
 */

import { test } from '@fast-check/vitest'
import { cpu } from '@recur/backend-cpu'
import { type PropertyLaw, scanLaws } from '@recur/testing'
import { describe, expect } from 'vitest'
import * as R from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 60)
process.stdout.write(`scan laws: seed ${seed}, ${numRuns} runs per law\n`)

const laws = scanLaws({ place: { backend: cpu, dtype: 'float64' }, tolerance: 1e-13 })

const holds = <A>(law: PropertyLaw<A>): void =>
  test.prop([law.arbitrary], { seed, numRuns })(law.name, (a) => {
    expect(law.check(a)).toBeUndefined()
  })

describe('scan laws', () => {
  holds(laws.equalsLoop)
  holds(laws.reverseEqualsReversedLoop)
  holds(laws.truncateAndCheckpoint)
})

/**
 * Broken scans the laws must reject (wrappers of `scan`, so nothing broken is ever committed to
 * core): each is caught by the named law within 200 runs.
 */
const broken: ReadonlyArray<readonly [string, typeof R.scan, keyof typeof laws]> = [
  ['reverse ignored', (f, init, xs, opts = {}) => R.scan(f, init, xs, { ...opts, reverse: false }), 'reverseEqualsReversedLoop'],
  [
    'no gradient into the initial carry',
    (f, init, xs, opts) => R.scan(f, R.Tree.map(init, R.stopGradient), xs, opts),
    'equalsLoop',
  ],
  [
    'checkpoint truncates instead',
    (f, init, xs, opts = {}) => {
      const { checkpoint, ...rest } = opts
      return R.scan(f, init, xs, typeof checkpoint === 'number' ? { ...rest, truncate: checkpoint } : opts)
    },
    'truncateAndCheckpoint',
  ],
]

describe('scan laws reject broken scans', () => {
  for (const [name, scan, lawName] of broken) {
    test(`${name}: caught by '${lawName}'`, () => {
      const law = scanLaws({ place: { backend: cpu, dtype: 'float64' }, scan })[lawName]
      const failure = law.findCounterexample({ seed, numRuns: 200 })
      expect(failure, `${name} passed '${law.name}'`).toContain(law.name)
    })
  }
})
