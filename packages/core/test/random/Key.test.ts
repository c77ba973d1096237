/**
 * Random keys and the stream: the documented counter layout, determinism and prefix laws,
 * separation of split / foldIn / stream, and balanced bits.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import * as Random from '../../src/Random.js'
import { callUnchecked, expectShapeErrors, TWO_32, TWO_53, within } from './helpers.js'

const block = (k: Random.Key, c0: number, c1: number) => Random.threefry2x32(k.words, [c0, c1])
const pairs = (ws: Uint32Array): string[] => Array.from({ length: ws.length / 2 }, (_, i) => `${ws[2 * i]},${ws[2 * i + 1]}`)
const id = (k: Random.Key): string => k.words.join(',')

describe('keys', () => {
  it('key uses JAX PRNGKey layout [seed / 2^32, seed mod 2^32] and is frozen', () => {
    expect(Random.key(0).words).toEqual([0, 0])
    expect(Random.key(42).words).toEqual([0, 42])
    expect(Random.key(TWO_32 + 5).words).toEqual([1, 5])
    expect(Random.key(TWO_53 - 1).words).toEqual([0x1fffff, 0xffffffff])
    const k = Random.key(7)
    expect(Object.isFrozen(k) && Object.isFrozen(k.words)).toBe(true)
    expect(Random.isKey(k)).toBe(true)
  })

  it('isKey accepts keys and rejects look-alikes', () => {
    expect(Random.isKey({ words: [1, 2] })).toBe(true)
    for (const v of [null, undefined, 3, 'k', [1, 2], {}, { words: [1] }, { words: [1, -1] }, { words: [0.5, 1] }]) {
      expect(Random.isKey(v)).toBe(false)
    }
    expect(Random.isKey({ words: [0, TWO_32] })).toBe(false)
  })

  it('the stream, split and foldIn follow the documented counters [0, i], [1, i], [2, d]', () => {
    const k = Random.key(1701)
    expect(Array.from(Random.bits(k, 5))).toEqual([...block(k, 0, 0), ...block(k, 0, 1), block(k, 0, 2)[0]])
    expect(Random.split(k, 3).map((c) => c.words)).toEqual([block(k, 1, 0), block(k, 1, 1), block(k, 1, 2)])
    expect(Random.foldIn(k, 9).words).toEqual(block(k, 2, 9))
    expect(Random.split(k)).toHaveLength(2)
    expect(Random.split(k, 1)).toEqual(Random.split(k, 4).slice(0, 1))
  })

  it('split children, foldIn keys and the parent stream are all distinct', () => {
    const k = Random.key(3)
    const n = 2000
    const all = [
      id(k),
      ...pairs(Random.bits(k, 2 * n)),
      ...Random.split(k, n).map(id),
      ...Array.from({ length: n }, (_, d) => id(Random.foldIn(k, d))),
    ]
    expect(new Set(all).size).toBe(all.length)
  })

  test.prop([fc.maxSafeNat(), fc.maxSafeNat()])('different seeds give different streams', (a, b) => {
    fc.pre(a !== b)
    expect(Array.from(Random.bits(Random.key(a), 4))).not.toEqual(Array.from(Random.bits(Random.key(b), 4)))
  })

  test.prop([fc.maxSafeNat(), fc.integer({ min: 1, max: 8 })])('split and foldIn are deterministic and frozen', (seed, n) => {
    const k = Random.key(seed)
    const a = Random.split(k, n)
    expect(a).toEqual(Random.split(Random.key(seed), n))
    expect(Object.isFrozen(a) && a.every((c) => Object.isFrozen(c) && Random.isKey(c))).toBe(true)
    expect(new Set(a.map(id)).size).toBe(n)
    expect(Random.foldIn(k, n)).toEqual(Random.foldIn(Random.key(seed), n))
    expect(id(Random.foldIn(k, n))).not.toBe(id(Random.foldIn(k, n - 1)))
  })
})

describe('bits', () => {
  test.prop([fc.maxSafeNat(), fc.nat({ max: 40 }), fc.nat({ max: 40 })])(
    'is deterministic, fresh, and a prefix of longer draws',
    (seed, n, extra) => {
      const k = Random.key(seed)
      const a = Random.bits(k, n)
      const b = Random.bits(k, n + extra)
      expect(Array.from(b.subarray(0, n))).toEqual(Array.from(a))
      if (n > 0) {
        a[0] = (a[0] ?? 0) ^ 1
        expect(Random.bits(k, n)[0]).not.toBe(a[0])
      }
    },
  )

  it('has balanced bits: each of the 32 positions is set about half the time', () => {
    const ws = Random.bits(Random.key(11), 20000)
    for (let bit = 0; bit < 32; bit++) {
      let ones = 0
      for (const w of ws) ones += (w >>> bit) & 1
      within(ones / ws.length, 0.5, Math.sqrt(0.25 / ws.length))
    }
  })
})

describe('bad arguments', () => {
  const k = Random.key(0)
  const notKey: unknown = { words: [1] }
  expectShapeErrors([
    [() => Random.key(1.5), "key: seed must be an integer from 0 to 2^53 − 1, got 1.5 (argument 'seed')"],
    [() => Random.key(-1), "key: seed must be an integer from 0 to 2^53 − 1, got -1 (argument 'seed')"],
    [() => Random.key(TWO_53), "key: seed must be an integer from 0 to 2^53 − 1, got 9007199254740992 (argument 'seed')"],
    [() => callUnchecked(Random.key, '1'), "key: seed must be an integer from 0 to 2^53 − 1, got a string (argument 'seed')"],
    [
      () => callUnchecked(Random.split, notKey),
      "split: expected a key made by Random.key, split or foldIn, got an object without two uint32 words (argument 'key')",
    ],
    [() => Random.split(k, 0), "split: n must be an integer from 1 to 4294967296, got 0 (argument 'n')"],
    [() => Random.split(k, 1.5), "split: n must be an integer from 1 to 4294967296, got 1.5 (argument 'n')"],
    [() => Random.foldIn(k, -1), "foldIn: data must be an integer from 0 to 2^32 − 1, got -1 (argument 'data')"],
    [() => Random.foldIn(k, TWO_32), "foldIn: data must be an integer from 0 to 2^32 − 1, got 4294967296 (argument 'data')"],
    [() => Random.bits(k, -1), "bits: n must be an integer from 0 to 8589934592, got -1 (argument 'n')"],
    [
      () => callUnchecked(Random.bits, null, 1),
      "bits: expected a key made by Random.key, split or foldIn, got null (argument 'key')",
    ],
  ])
})
