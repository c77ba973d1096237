/**
 * The Threefry-2x32 block function with 20 rounds (Salmon et al., "Parallel random numbers: as
 * easy as 1, 2, 3", SC 2011 — the Random123 and JAX construction): under a 64-bit key it encrypts a
 * 64-bit counter. Every random word of the Random modules is one of its output words.
 *
 * @since 0.1.0
 */
import { shapeError } from '../ShapeError.js'
import { describe, isUint32 } from './args.js'

const PARITY = 0x1bd11bda
const ROTATIONS_ODD = [13, 15, 26, 6] as const
const ROTATIONS_EVEN = [17, 29, 16, 24] as const

/** One Threefry-2x32-20 block; writes the two output words to `out`. No validation. */
export const encrypt = (k0: number, k1: number, c0: number, c1: number, out: Uint32Array): void => {
  const k2 = (PARITY ^ k0 ^ k1) >>> 0
  let x0 = (c0 + k0) >>> 0
  let x1 = (c1 + k1) >>> 0
  // Five groups of four rounds; rotations alternate [13, 15, 26, 6] and [17, 29, 16, 24], and after
  // group g (1-based) the key schedule word g mod 3 is added to x0 and word (g + 1) mod 3 plus g to x1.
  const ks = [k0, k1, k2]
  for (let g = 1; g <= 5; g++) {
    const rot = g % 2 === 1 ? ROTATIONS_ODD : ROTATIONS_EVEN
    for (const r of rot) {
      x0 = (x0 + x1) >>> 0
      x1 = ((x1 << r) | (x1 >>> (32 - r))) ^ x0
    }
    x0 = (x0 + (ks[g % 3] ?? 0)) >>> 0
    x1 = (x1 + (ks[(g + 1) % 3] ?? 0) + g) >>> 0
  }
  out[0] = x0
  out[1] = x1
}

/**
 * The Threefry-2x32 block function with 20 rounds: encrypts the 64-bit `counter` under the 64-bit
 * `key`, both given as two unsigned 32-bit words, and returns two unsigned 32-bit words. Matches
 * Random123's `threefry2x32` and JAX's `threefry_2x32` (key first, then counter).
 *
 * @example
 * threefry2x32([0, 0], [0, 0]) // [0x6b200159, 0x99ba4efe]
 *
 * @category primitives
 * @since 0.1.0
 */
export const threefry2x32 = (key: readonly [number, number], counter: readonly [number, number]): [number, number] => {
  for (const [arg, pair] of [
    ['key', key],
    ['counter', counter],
  ] as const) {
    if (!Array.isArray(pair) || pair.length !== 2 || !isUint32(pair[0]) || !isUint32(pair[1])) {
      throw shapeError('threefry2x32', arg, `${arg} must be two unsigned 32-bit integers, got ${describe(pair)}`)
    }
  }
  const out = new Uint32Array(2)
  encrypt(key[0], key[1], counter[0], counter[1], out)
  return [out[0] ?? 0, out[1] ?? 0]
}
