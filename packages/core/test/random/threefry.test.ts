/** Random: the Threefry block function against published vectors. */
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import * as Random from '../../src/Random.js'
import { expectShapeErrors, TWO_32 } from './helpers.js'

const hex = (words: readonly number[]): string[] => words.map((w) => `0x${w.toString(16).padStart(8, '0')}`)

describe('threefry2x32', () => {
  // Random123's known-answer vectors, as checked by JAX's tests/random_test.py (testThreefry2x32).
  it.each([
    [
      [0x13198a2e, 0x03707344],
      [0x243f6a88, 0x85a308d3],
      ['0xc4923a9c', '0x483df7a0'],
    ],
    [
      [0, 0],
      [0, 0],
      ['0x6b200159', '0x99ba4efe'],
    ],
    [
      [0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      ['0x1cb996fc', '0xbb002be7'],
    ],
  ] as const)('key %j, counter %j', (k, c, expected) => {
    expect(hex(Random.threefry2x32(k, c))).toEqual(expected)
  })

  test.prop([fc.tuple(fc.nat({ max: TWO_32 - 1 }), fc.nat({ max: TWO_32 - 1 })), fc.nat({ max: TWO_32 - 1 })])(
    'is injective in the counter for a fixed key (neighbouring counters never collide)',
    (k, c) => {
      const a = Random.threefry2x32(k, [0, c])
      const b = Random.threefry2x32(k, [0, (c + 1) % TWO_32])
      const d = Random.threefry2x32(k, [1, c])
      expect(new Set([a.join(), b.join(), d.join()]).size).toBe(3)
      for (const w of [...a, ...b, ...d]) expect(Number.isInteger(w) && w >= 0 && w < TWO_32).toBe(true)
    },
  )
})

describe('bad arguments', () => {
  expectShapeErrors([
    [
      () => Random.threefry2x32([0, -1], [0, 0]),
      "threefry2x32: key must be two unsigned 32-bit integers, got an array (argument 'key')",
    ],
    [
      () => Random.threefry2x32([0, 0], [0, 0.5]),
      "threefry2x32: counter must be two unsigned 32-bit integers, got an array (argument 'counter')",
    ],
  ])
})
