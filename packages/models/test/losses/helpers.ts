/** Small helpers for the loss tests: float64 tensors on the CPU backend and closeness checks. */
import { cpu } from '@recur/backend-cpu'
import { type Nested, type Tensor, tensor } from '@recur/core'
import { expect } from 'vitest'

export const f64 = (data: Nested): Tensor => tensor(data, { dtype: 'float64', backend: cpu })
export const f32 = (data: Nested): Tensor => tensor(data, { dtype: 'float32', backend: cpu })

/** Every element of `t` within `tol` (absolute, scaled by max(1, |want|)) of `want`. */
export const expectClose = (t: Tensor, want: number | readonly number[], tol = 1e-14): void => {
  const got = t.toFlat()
  const expected = typeof want === 'number' ? [want] : want
  expect(got.length).toBe(expected.length)
  got.forEach((g, i) => {
    const w = expected[i] ?? Number.NaN
    expect(Math.abs(g - w), `element ${i}: got ${g}, want ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)))
  })
}

export const allFinite = (t: Tensor): boolean => t.toFlat().every(Number.isFinite)

/** Regression-style test data shared by the loss tests: predictions, targets and ±1 labels, `(2, 3)`. */
export const preds = f64([
  [0.5, -1.3, 2.2],
  [0.15, 0.9, -2.6],
])
export const truth = f64([
  [0.0, 1.0, 1.1],
  [0.35, -0.45, -0.4],
])
export const signs = f64([
  [1, -1, 1],
  [-1, 1, -1],
])
