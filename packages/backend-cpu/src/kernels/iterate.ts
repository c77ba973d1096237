/**
 * Strided iteration: the one loop skeleton every layout-aware kernel uses.
 *
 * Several operands are walked together over one iteration shape, each with its own strides
 * (stride 0 on a broadcast dimension). Adjacent dimensions that every operand lays out
 * contiguously are merged first, so a same-shape elementwise operation becomes a single line and a
 * scalar broadcast a line with stride 0. The callback receives one line at a time: the start offset
 * of each operand and the line length; the innermost strides are in the plan.
 */
import type { Shape } from '@recur/core'

/** An iteration over `shape` in row-major order, one stride list per operand. */
export interface Plan {
  readonly shape: readonly number[]
  readonly strides: readonly (readonly number[])[]
}

/**
 * Drops size-1 dimensions and merges adjacent dimensions that are contiguous in every operand.
 * Iterating the result visits the same (offset, …) tuples in the same order as the input.
 */
export const coalesce = (shape: Shape, strides: readonly (readonly number[])[]): Plan => {
  const dims: number[] = []
  const st: number[][] = strides.map(() => [])
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d] ?? 1
    if (n === 1) continue
    const last = dims.length - 1
    const mergeable = last >= 0 && strides.every((s, k) => (st[k]?.[last] ?? 0) === (s[d] ?? 0) * n)
    if (mergeable) {
      dims[last] = (dims[last] ?? 1) * n
      strides.forEach((s, k) => {
        const row = st[k]
        if (row !== undefined) row[last] = s[d] ?? 0
      })
    } else {
      dims.push(n)
      strides.forEach((s, k) => {
        st[k]?.push(s[d] ?? 0)
      })
    }
  }
  return { shape: dims, strides: st }
}

/**
 * Calls `line(offsets, n)` once per innermost line of `plan`, in row-major order. `offsets[k]` is
 * where operand `k`'s line starts; its elements are `inner[k]` apart, where `inner` is returned by
 * {@link innerStrides}. The `offsets` array is reused between calls: read it, do not keep it.
 */
export const forEachLine = (plan: Plan, line: (offsets: number[], n: number) => void): void => {
  const { shape, strides } = plan
  const operands = strides.length
  const offsets = new Array<number>(operands).fill(0)
  if (shape.length === 0) {
    line(offsets, 1)
    return
  }
  if (shape.some((d) => d === 0)) return
  const outer = shape.length - 1
  const n = shape[outer] ?? 0
  const counters = new Array<number>(outer).fill(0)
  let lines = 1
  for (let d = 0; d < outer; d++) lines *= shape[d] ?? 1
  for (let l = 0; l < lines; l++) {
    line(offsets, n)
    for (let d = outer - 1; d >= 0; d--) {
      const extent = shape[d] ?? 1
      const c = (counters[d] ?? 0) + 1
      if (c < extent) {
        counters[d] = c
        for (let k = 0; k < operands; k++) offsets[k] = (offsets[k] ?? 0) + (strides[k]?.[d] ?? 0)
        break
      }
      counters[d] = 0
      for (let k = 0; k < operands; k++) offsets[k] = (offsets[k] ?? 0) - (strides[k]?.[d] ?? 0) * (extent - 1)
    }
  }
}

/** The innermost stride of each operand of a plan (0 for a scalar plan). */
export const innerStrides = (plan: Plan): number[] =>
  plan.strides.map((s) => (plan.shape.length === 0 ? 0 : (s[plan.shape.length - 1] ?? 0)))
