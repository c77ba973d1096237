/**
 * Shared by the Random tests: tensor options, the powers of two, summary statistics and the
 * bad-argument table. Every statistical check uses fixed keys, so it is deterministic and cannot
 * flake; the bounds are 5 standard errors (or a chi-square bound far in the tail).
 */
import { cpu } from '@recur/backend-cpu'
import { expect, it } from 'vitest'
import { ShapeError } from '../../src/ShapeError.js'

export const o32 = { backend: cpu } as const
export const o64 = { backend: cpu, dtype: 'float64' } as const
export const TWO_32 = 2 ** 32
export const TWO_53 = 2 ** 53

export const mean = (xs: ArrayLike<number>): number => {
  let s = 0
  for (let i = 0; i < xs.length; i++) s += xs[i] ?? 0
  return s / xs.length
}
export const variance = (xs: ArrayLike<number>): number => {
  const m = mean(xs)
  let s = 0
  for (let i = 0; i < xs.length; i++) s += ((xs[i] ?? 0) - m) ** 2
  return s / (xs.length - 1)
}
/** Pearson's chi-square statistic of observed counts against a uniform expectation. */
export const chiSquare = (counts: readonly number[]): number => {
  const total = counts.reduce((a, b) => a + b, 0)
  const expected = total / counts.length
  return counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0)
}
export const within = (actual: number, expected: number, se: number): void => {
  expect(Math.abs(actual - expected), `${actual} vs ${expected} (se ${se})`).toBeLessThan(5 * se)
}

/**
 * Calls `f` with `args` as plain JavaScript could, without the compile-time check of their types;
 * the bad-argument tests use it to reach the run-time checks.
 */
export const callUnchecked = (f: (...args: never[]) => unknown, ...args: readonly unknown[]): unknown =>
  Reflect.apply(f, undefined, args)

/** One bad call and the exact `ShapeError` message it must throw. */
export type BadArgument = readonly [() => unknown, string]

/** One test per case, named by its message: the call throws a `ShapeError` with exactly that message. */
export const expectShapeErrors = (cases: readonly BadArgument[]): void => {
  it.each(cases.map(([f, message]) => [message, f] as const))('%s', (message, f) => {
    let error: unknown
    try {
      f()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ShapeError)
    expect(error instanceof Error ? error.message : String(error)).toBe(message)
  })
}
