/**
 * Catalog entries for the structural operations: matmul (both transpose flags, broadcast batch
 * dimensions, 1-D arguments), transpose, reshape, broadcastTo, expandDims, squeeze, slice, pad,
 * concat, stack, index, unstack (a tree output), gather and scatterAdd (random indices, repeats
 * included, not differentiated), and oneHot. Differentiating with respect to indices must give
 * zero derivatives, which the `(indices)` entries check.
 *
 * @since 0.1.0
 */

import type { Backend, Tensor } from '@recur/core'
import * as core from '@recur/core'
import fc from 'fast-check'
import { broadcastShapes, shape } from '../../arbitraries/shape.js'
import { catalogShapes } from './elementwise.js'
import { arg, between, type CatalogEntry, fromPool, type LawCase, pool, showTensor } from './values.js'

const anyValue = between(-3, 3)
const dim = fc.integer({ min: 1, max: 3 })
/** Raw choices, resolved against a shape by `%` (so every choice is valid by construction). */
const choices = fc.array(fc.nat({ max: 1 << 16 }), { minLength: 6, maxLength: 6 })
const at = (raw: readonly number[], i: number, n: number): number => (n <= 0 ? 0 : (raw[i] ?? 0) % n)

/**
 * The permutation of `n` axes with Lehmer code `raw` (digit i picks among the n − i axes left, by
 * `%`), so any list of naturals is a valid code and shrinking it shrinks towards the identity.
 *
 * @category constructors
 * @since 0.1.0
 */
export const permutation = (n: number, raw: readonly number[]): number[] => {
  const left = Array.from({ length: n }, (_, i) => i)
  return Array.from({ length: n }, (_, i) => left.splice(at(raw, i, left.length), 1)[0] ?? 0)
}

const smooth = (op: string, cases: (backend: Backend) => fc.Arbitrary<LawCase>): CatalogEntry => ({
  op,
  derivative: 'smooth',
  finiteDifferences: true,
  cases,
})
const zero = (op: string, cases: (backend: Backend) => fc.Arbitrary<LawCase>): CatalogEntry => ({
  op,
  derivative: 'zero',
  finiteDifferences: false,
  cases,
})
const one = (
  op: string,
  backend: Backend,
  s: readonly number[],
  p: readonly number[],
  name: string,
  fn: (x: Tensor) => core.TreeT,
): LawCase => ({
  name: `${op}(${name})`,
  f: (...xs) => fn(arg(xs, 0)),
  primals: [fromPool(backend, s, p)],
})

const matmul = smooth('matmul', (backend) =>
  fc
    .tuple(
      broadcastShapes(2, { maxRank: 2, minDim: 1, maxDim: 3 }),
      dim,
      dim,
      dim,
      fc.boolean(),
      fc.boolean(),
      fc.constantFrom('matrix', 'vector·matrix', 'matrix·vector', 'vector·vector'),
      pool(anyValue),
      pool(anyValue),
    )
    .map(([{ inputs }, m, k, n, transposeA, transposeB, kind, pa, pb]): LawCase => {
      const sa = kind.startsWith('vector') ? [k] : [...(inputs[0] ?? []), ...(transposeA ? [k, m] : [m, k])]
      const sb = kind.endsWith('·vector') ? [k] : [...(inputs[1] ?? []), ...(transposeB ? [n, k] : [k, n])]
      const options = { transposeA, transposeB }
      return {
        name: `matmul(x0: [${sa}], x1: [${sb}], ${JSON.stringify(options).replace(/"/g, '')})`,
        f: (...xs) => core.matmul(arg(xs, 0), arg(xs, 1), options),
        primals: [fromPool(backend, sa, pa), fromPool(backend, sb, pb)],
      }
    }),
)

const transpose = smooth('transpose', (backend) =>
  fc.tuple(shape({ ...catalogShapes, maxRank: 4 }), choices, fc.boolean(), pool(anyValue)).map(([s, raw, reverse, p]) => {
    const perm = permutation(s.length, raw)
    return reverse
      ? one('transpose', backend, s, p, 'x0', (x) => core.transpose(x))
      : one('transpose', backend, s, p, `x0, [${perm}]`, (x) => core.transpose(x, perm))
  }),
)

/** reshape to a permutation of the dimensions with 1s inserted, or with one dimension inferred (−1). */
const reshape = smooth('reshape', (backend) =>
  fc
    .tuple(shape(catalogShapes), choices, fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), fc.boolean(), pool(anyValue))
    .map(([s, raw, ones, infer, p]) => {
      const permuted = permutation(s.length, raw).map((i) => s[i] ?? 1)
      const target =
        infer && permuted.length > 0
          ? permuted.map((d, i) => (i === at(raw, 5, permuted.length) ? -1 : d))
          : [...permuted, ...ones.filter((b) => b).map(() => 1)]
      return one('reshape', backend, s, p, `x0, [${target}]`, (x) => core.reshape(x, target))
    }),
)

const broadcastTo = smooth('broadcastTo', (backend) =>
  fc
    .tuple(broadcastShapes(1, catalogShapes), pool(anyValue))
    .map(([{ out, inputs }, p]) =>
      one('broadcastTo', backend, inputs[0] ?? [], p, `x0: [${inputs[0]}], [${out}]`, (x) => core.broadcastTo(x, out)),
    ),
)

const expandDims = smooth('expandDims', (backend) =>
  fc
    .tuple(shape(catalogShapes), fc.nat(), pool(anyValue))
    .map(([s, k, p]) =>
      one('expandDims', backend, s, p, `x0, ${k % (s.length + 1)}`, (x) => core.expandDims(x, k % (s.length + 1))),
    ),
)

const squeeze = smooth('squeeze', (backend) =>
  fc
    .tuple(
      fc.array(fc.constantFrom(1, 1, 2, 3), { maxLength: 4 }),
      fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      fc.boolean(),
      pool(anyValue),
    )
    .map(([s, pick, all, p]) => {
      const axes = s.flatMap((d, i) => (d === 1 && pick[i] === true ? [i] : []))
      return all
        ? one('squeeze', backend, s, p, 'x0', (x) => core.squeeze(x))
        : one('squeeze', backend, s, p, `x0, [${axes}]`, (x) => core.squeeze(x, axes))
    }),
)

/** Any block, size-0 blocks and `-1` (to the end) included. */
const slice = smooth('slice', (backend) =>
  fc.tuple(shape(catalogShapes), choices, choices, pool(anyValue)).map(([s, rb, rs, p]) => {
    const begin = s.map((d, i) => at(rb, i, d + 1))
    const sizes = s.map((d, i) => (at(rs, i, d - (begin[i] ?? 0) + 2) === 0 ? -1 : at(rs, i, d - (begin[i] ?? 0) + 2) - 1))
    return one('slice', backend, s, p, `x0, [${begin}], [${sizes}]`, (x) => core.slice(x, begin, sizes))
  }),
)

const pad = smooth('pad', (backend) =>
  fc.tuple(shape(catalogShapes), choices, choices, anyValue, pool(anyValue)).map(([s, rb, ra, value, p]) => {
    const pads = s.map((_, i) => [at(rb, i, 3), at(ra, i, 3)] as const)
    return one('pad', backend, s, p, `x0, ${JSON.stringify(pads)}, ${value}`, (x) => core.pad(x, pads, value))
  }),
)

/** 1–3 tensors that agree off `axis` and have 1–3 elements along it. */
const joined = fc
  .tuple(shape({ ...catalogShapes, minRank: 1 }), fc.nat(), fc.array(dim, { minLength: 1, maxLength: 3 }))
  .map(([s, k, lengths]) => {
    const axis = k % s.length
    return { axis, shapes: lengths.map((n) => s.map((d, i) => (i === axis ? n : d))) }
  })

const concat = smooth('concat', (backend) =>
  fc.tuple(joined, pool(anyValue)).map(
    ([{ axis, shapes }, p]): LawCase => ({
      name: `concat([${shapes.map((_, i) => `x${i}`)}], ${axis})`,
      f: (...xs) => core.concat(xs, axis),
      primals: shapes.map((s, i) => fromPool(backend, s, p, 'float64', 11 * i)),
    }),
  ),
)

const stack = smooth('stack', (backend) =>
  fc.tuple(shape(catalogShapes), fc.nat(), dim, pool(anyValue)).map(([s, k, count, p]): LawCase => {
    const axis = k % (s.length + 1)
    return {
      name: `stack([${Array.from({ length: count }, (_, i) => `x${i}`)}], ${axis})`,
      f: (...xs) => core.stack(xs, axis),
      primals: Array.from({ length: count }, (_, i) => fromPool(backend, s, p, 'float64', 11 * i)),
    }
  }),
)

const ranked = fc.tuple(shape({ ...catalogShapes, minRank: 1 }), fc.nat(), fc.nat())

const index = smooth('index', (backend) =>
  fc.tuple(ranked, pool(anyValue)).map(([[s, k, j], p]) => {
    const axis = k % s.length
    const i = j % (s[axis] ?? 1)
    return one('index', backend, s, p, `x0, ${i}, ${axis}`, (x) => core.index(x, i, axis))
  }),
)

const unstack = smooth('unstack', (backend) =>
  fc
    .tuple(ranked, pool(anyValue))
    .map(([[s, k], p]) => one('unstack', backend, s, p, `x0, ${k % s.length}`, (x) => core.unstack(x, k % s.length))),
)

/** A shape of rank ≥ 1 with an axis, and indices (rank 0–2) into that axis, stored as float64. */
const indexed = (backend: Backend) =>
  fc.tuple(ranked, shape({ maxRank: 2, minDim: 1, maxDim: 3 }), pool(fc.nat({ max: 1 << 16 }))).map(([[s, k], is, raw]) => {
    const axis = k % s.length
    const bound = s[axis] ?? 1
    const indices = core.fromFlat(
      Array.from({ length: core.Shapes.size(is) }, (_, i) => (raw[i] ?? 0) % bound),
      is,
      { backend, dtype: 'float64' },
    )
    const scattered = [...s.slice(0, axis), ...is, ...s.slice(axis + 1)]
    return { shape: s, axis, indices, scattered }
  })

const gather = smooth('gather', (backend) =>
  fc
    .tuple(indexed(backend), pool(anyValue))
    .map(([{ shape: s, axis, indices }, p]) =>
      one('gather', backend, s, p, `x0, ${showTensor(indices)}, ${axis}`, (x) => core.gather(x, indices, axis)),
    ),
)

const scatterAdd = smooth('scatterAdd', (backend) =>
  fc
    .tuple(indexed(backend), pool(anyValue))
    .map(([{ shape: s, axis, indices, scattered }, p]) =>
      one('scatterAdd', backend, scattered, p, `x0, ${showTensor(indices)}, ${axis}, [${s}]`, (u) =>
        core.scatterAdd(u, indices, axis, s),
      ),
    ),
)

/** Differentiating with respect to the indices: the tensor argument is a constant. */
const gatherIndices = zero('gather (indices)', (backend) =>
  fc.tuple(indexed(backend), pool(anyValue)).map(([{ shape: s, axis, indices }, p]): LawCase => {
    const x = fromPool(backend, s, p)
    return { name: `gather(${showTensor(x)}, i0, ${axis})`, f: (...xs) => core.gather(x, arg(xs, 0), axis), primals: [indices] }
  }),
)

const scatterAddIndices = zero('scatterAdd (indices)', (backend) =>
  fc.tuple(indexed(backend), pool(anyValue)).map(([{ shape: s, axis, indices, scattered }, p]): LawCase => {
    const u = fromPool(backend, scattered, p)
    return {
      name: `scatterAdd(${showTensor(u)}, i0, ${axis}, [${s}])`,
      f: (...xs) => core.scatterAdd(u, arg(xs, 0), axis, s),
      primals: [indices],
    }
  }),
)

const oneHot = zero('oneHot', (backend) =>
  fc.tuple(shape({ maxRank: 2, minDim: 1, maxDim: 3 }), fc.integer({ min: 1, max: 4 }), pool(fc.nat({ max: 1 << 16 }))).map(
    ([s, depth, raw]): LawCase => ({
      name: `oneHot(i0, ${depth})`,
      f: (...xs) => core.oneHot(arg(xs, 0), depth),
      primals: [
        fromPool(
          backend,
          s,
          raw.map((r) => r % depth),
        ),
      ],
    }),
  ),
)

/**
 * The structural entries.
 *
 * @category catalog
 * @since 0.1.0
 */
export const structuralCatalog: readonly CatalogEntry[] = [
  matmul,
  transpose,
  reshape,
  broadcastTo,
  expandDims,
  squeeze,
  slice,
  pad,
  concat,
  stack,
  index,
  unstack,
  gather,
  scatterAdd,
  gatherIndices,
  scatterAddIndices,
  oneHot,
]
