/**
 * Rules of the structural primitives: matmul, transpose, reshape, broadcastTo, slice, pad,
 * concat, and the indexing primitives gather, scatterAdd and oneHot. All but oneHot are linear in
 * their tensor argument(s) (matmul is bilinear), so their derivatives are themselves structural.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Operand } from '../Backend.js'
import { zerosLike } from '../create.js'
import { gather, scatterAdd } from '../ops/indexing.js'
import { matmul } from '../ops/linalg.js'
import { broadcastTo, concat, pad, reshape, slice, transpose } from '../ops/movement.js'
import { broadcast, equals, type Shape, size } from '../Shape.js'
import { formatShape, type ShapeError, shapeError } from '../ShapeError.js'
import type { Tensor } from '../Tensor.js'
import { plus, unbroadcast } from './linear.js'
import type { Abstract, Rule, Vjp } from './Rule.js'

const ok = (cond: boolean, err: () => ShapeError): E.Either<ShapeError, void> => (cond ? E.right(undefined) : E.left(err()))

/**
 * The shape rule of `matmul` on operands of equal rank ≥ 2: inner dimensions agree, batch
 * dimensions broadcast. Returns `[...batch, m, n]`.
 */
export const matmulKernelShape = (a: Shape, b: Shape, ta: boolean, tb: boolean): E.Either<ShapeError, Shape> => {
  const shapes = { a, b }
  if (a.length < 2 || b.length !== a.length)
    return E.left(shapeError('matmul', 'b', 'operands must have equal rank ≥ 2 here', shapes))
  const r = a.length
  const [m, ka] = ta ? [a[r - 1] ?? 0, a[r - 2] ?? 0] : [a[r - 2] ?? 0, a[r - 1] ?? 0]
  const [kb, n] = tb ? [b[r - 1] ?? 0, b[r - 2] ?? 0] : [b[r - 2] ?? 0, b[r - 1] ?? 0]
  if (ka !== kb) {
    return E.left(
      shapeError(
        'matmul',
        'b',
        `inner dimensions differ: a${ta ? 'ᵀ' : ''} has ${ka} columns but b${tb ? 'ᵀ' : ''} has ${kb} rows`,
        shapes,
      ),
    )
  }
  const batch = broadcast('matmul', ['a batch', a.slice(0, -2)], ['b batch', b.slice(0, -2)])
  if (E.isLeft(batch)) {
    return E.left(
      shapeError(
        'matmul',
        'b',
        `batch dimensions ${formatShape(a.slice(0, -2))} and ${formatShape(b.slice(0, -2))} do not broadcast`,
        shapes,
      ),
    )
  }
  return E.right([...batch.right, m, n])
}

/** Whether every batch dimension of `s` (all but the last two) is 1: one matrix, broadcast. */
const oneMatrix = (s: Shape): boolean => s.slice(0, -2).every((d) => d === 1)

/**
 * C = op(A)·op(B): the cotangents of A and B for each combination of transpose flags. When B is
 * one matrix broadcast over A's batch (a linear layer over a sequence: `(L, N, K)·Wᵀ`) and A is
 * not transposed, B's cotangent is one product with the batch folded into the rows,
 * `(B·M, K)ᵀ·(B·M, N)`, instead of a product per batch entry summed afterwards.
 */
const matmulVjp: Vjp<'matmul', Tensor, Abstract> = (ct, [a, b], _, { transposeA: ta, transposeB: tb }) => {
  const ga = ta ? matmul(b!, ct, { transposeA: tb, transposeB: true }) : matmul(ct, b!, { transposeB: !tb })
  if (!ta && oneMatrix(b!.shape) && !oneMatrix(a!.shape)) {
    const k = a!.shape[a!.rank - 1] ?? 0
    const n = ct.shape[ct.rank - 1] ?? 0
    const rows = k === 0 ? 0 : size(a!.shape) / k
    const [a2, c2] = [reshape(a!, [rows, k]), reshape(ct, [rows, n])]
    const gb = tb ? matmul(c2, a2, { transposeA: true }) : matmul(a2, c2, { transposeA: true })
    return [unbroadcast(ga, a!.shape), reshape(gb, b!.shape)]
  }
  const gb = tb ? matmul(ct, a!, { transposeA: true, transposeB: ta }) : matmul(a!, ct, { transposeA: !ta })
  return [unbroadcast(ga, a!.shape), unbroadcast(gb, b!.shape)]
}

/** The inverse of a permutation. */
const inverse = (perm: readonly number[]): number[] => {
  const out = new Array<number>(perm.length).fill(0)
  perm.forEach((p, i) => {
    out[p] = i
  })
  return out
}

/** Throws unless every index is an integer in `[0, bound)`. Indices are data, so this runs at eval. */
const checkIndices = (op: string, indices: Operand, bound: number, shapes: Readonly<Record<string, Shape>>): void => {
  for (let i = 0; i < indices.data.length; i++) {
    const v = indices.data[i] ?? Number.NaN
    if (!Number.isInteger(v) || v < 0 || v >= bound) {
      throw shapeError(op, 'indices', `indices element ${i} is ${v}; indices must be integers in [0, ${bound})`, shapes)
    }
  }
}

const axisOk = (op: string, axis: number, rank: number, shapes: Readonly<Record<string, Shape>>) =>
  ok(Number.isInteger(axis) && axis >= 0 && axis < rank, () =>
    shapeError(op, 'axis', `axis ${axis} is out of range for rank ${rank}`, shapes),
  )

/** The structural rules. */
export const structuralRules: {
  readonly [K in
    | 'matmul'
    | 'transpose'
    | 'reshape'
    | 'broadcastTo'
    | 'slice'
    | 'pad'
    | 'concat'
    | 'gather'
    | 'scatterAdd'
    | 'oneHot']: Rule<K>
} = {
  matmul: {
    shape: ([a, b], { transposeA, transposeB }) => matmulKernelShape(a!, b!, transposeA, transposeB),
    impl: (be, [a, b], { transposeA, transposeB }, out) => be.matmul(a!, b!, transposeA, transposeB, out),
    jvp: ([a, b], [ta, tb], _, flags) =>
      plus(ta === undefined ? undefined : matmul(ta, b!, flags), tb === undefined ? undefined : matmul(a!, tb, flags)),
    keeps: 'inputs',
    vjp: matmulVjp,
  },
  transpose: {
    shape: ([s], { perm }) => {
      const x = s!
      const valid = perm.length === x.length && [...perm].sort((p, q) => p - q).every((p, i) => p === i)
      return valid
        ? E.right(perm.map((p) => x[p] ?? 0))
        : E.left(shapeError('transpose', 'perm', `perm [${perm.join(', ')}] is not a permutation of the ${x.length} axes`, { x }))
    },
    impl: (be, [x], { perm }) => be.transpose(x!, perm),
    jvp: (_, [t], __, { perm }) => transpose(t!, perm),
    keeps: 'shapes',
    vjp: (ct, _, __, { perm }) => [transpose(ct, inverse(perm))],
  },
  reshape: {
    shape: ([s], { shape }) =>
      size(shape) === size(s!)
        ? E.right(shape)
        : E.left(
            shapeError(
              'reshape',
              'shape',
              `cannot reshape ${size(s!)} elements into ${formatShape(shape)} (${size(shape)} elements)`,
              { x: s! },
            ),
          ),
    impl: (be, [x], { shape }) => be.reshape(x!, shape),
    jvp: (_, [t], __, { shape }) => reshape(t!, shape),
    keeps: 'shapes',
    vjp: (ct, [x]) => [reshape(ct, x!.shape)],
  },
  broadcastTo: {
    shape: ([s], { shape }) => {
      const merged = broadcast('broadcastTo', ['x', s!], ['shape', shape])
      return E.isRight(merged) && equals(merged.right, shape)
        ? E.right(shape)
        : E.left(
            shapeError('broadcastTo', 'shape', `x ${formatShape(s!)} does not broadcast to ${formatShape(shape)}`, {
              x: s!,
              shape,
            }),
          )
    },
    impl: (be, [x], _, out) => be.binary('mul', x!, { shape: [], dtype: x!.dtype, data: be.fill([], x!.dtype, 1) }, out),
    jvp: (_, [t], __, { shape }) => broadcastTo(t!, shape),
    keeps: 'shapes',
    vjp: (ct, [x]) => [unbroadcast(ct, x!.shape)],
  },
  slice: {
    shape: ([s], { begin, size: sz }) => {
      const x = s!
      if (begin.length !== x.length || sz.length !== x.length)
        return E.left(shapeError('slice', 'begin', `begin and size need ${x.length} entries each`, { x }))
      for (let i = 0; i < x.length; i++) {
        const b = begin[i] ?? 0
        const n = sz[i] ?? 0
        const d = x[i] ?? 0
        if (!Number.isInteger(b) || b < 0 || b > d)
          return E.left(shapeError('slice', 'begin', `begin ${b} is out of range [0, ${d}] on axis ${i}`, { x }))
        if (!Number.isInteger(n) || n < 0 || b + n > d)
          return E.left(
            shapeError('slice', 'size', `size ${n} from begin ${b} runs past the end of axis ${i} (length ${d})`, { x }),
          )
      }
      return E.right(sz)
    },
    impl: (be, [x], { begin, size: sz }) => be.slice(x!, begin, sz),
    jvp: (_, [t], __, { begin, size: sz }) => slice(t!, begin, sz),
    keeps: 'shapes',
    vjp: (ct, [x], __, { begin, size: sz }) => [
      pad(
        ct,
        x!.shape.map((d, i) => [begin[i] ?? 0, d - (begin[i] ?? 0) - (sz[i] ?? 0)] as const),
      ),
    ],
  },
  pad: {
    shape: ([s], { pads }) => {
      const x = s!
      if (pads.length !== x.length)
        return E.left(shapeError('pad', 'pads', `${pads.length} pairs given for rank ${x.length}`, { x }))
      const bad = pads.findIndex(([p, q]) => !(Number.isInteger(p) && p >= 0 && Number.isInteger(q) && q >= 0))
      if (bad >= 0)
        return E.left(
          shapeError('pad', 'pads', `pads on axis ${bad} are [${pads[bad]?.join(', ')}]; they must be non-negative integers`, {
            x,
          }),
        )
      return E.right(x.map((d, i) => d + (pads[i]?.[0] ?? 0) + (pads[i]?.[1] ?? 0)))
    },
    impl: (be, [x], { pads, value }) => be.pad(x!, pads, value),
    jvp: (_, [t], __, { pads }) => pad(t!, pads, 0),
    keeps: 'shapes',
    vjp: (ct, [x], __, { pads }) => [
      slice(
        ct,
        pads.map(([before]) => before),
        x!.shape,
      ),
    ],
  },
  concat: {
    shape: (shapes, { axis }) => {
      const first = shapes[0]
      const named = Object.fromEntries(shapes.map((s, i) => [`xs[${i}]`, s]))
      if (first === undefined) return E.left(shapeError('concat', 'xs', 'needs at least one tensor'))
      const checked = axisOk('concat', axis, first.length, named)
      if (E.isLeft(checked)) return checked
      const bad = shapes.findIndex((s) => s.length !== first.length || s.some((d, j) => j !== axis && d !== first[j]))
      if (bad >= 0) {
        return E.left(
          shapeError(
            'concat',
            `xs[${bad}]`,
            `shape ${formatShape(shapes[bad] ?? [])} does not match xs[0] ${formatShape(first)} off axis ${axis}`,
            named,
          ),
        )
      }
      return E.right(first.map((d, j) => (j === axis ? shapes.reduce((n, s) => n + (s[axis] ?? 0), 0) : d)))
    },
    impl: (be, xs, { axis }) => be.concat(xs, axis),
    jvp: (xs, ts, _, { axis }) =>
      concat(
        xs.map((x, i) => ts[i] ?? zerosLike(x)),
        axis,
      ),
    keeps: 'shapes',
    vjp: (ct, xs, _, { axis }) => {
      let at = 0
      return xs.map((x) => {
        const begin = x.shape.map((_, j) => (j === axis ? at : 0))
        at += x.shape[axis] ?? 0
        return slice(ct, begin, x.shape)
      })
    },
  },
  gather: {
    shape: ([s, i], { axis }) => {
      const shapes = { x: s!, indices: i! }
      if (s!.length === 0) return E.left(shapeError('gather', 'x', 'cannot gather from a scalar', shapes))
      return E.map(() => [...s!.slice(0, axis), ...i!, ...s!.slice(axis + 1)])(axisOk('gather', axis, s!.length, shapes))
    },
    impl: (be, [x, idx], { axis }) => {
      checkIndices('gather', idx!, x!.shape[axis] ?? 0, { x: x!.shape, indices: idx!.shape })
      return be.gather(x!, idx!, axis)
    },
    jvp: ([, idx], [t], __, { axis }) => (t === undefined ? undefined : gather(t, idx!, axis)),
    keeps: 'inputs',
    vjp: (ct, [x, idx], __, { axis }) => [scatterAdd(ct, idx!, axis, x!.shape), undefined],
  },
  scatterAdd: {
    shape: ([u, i], { axis, shape }) => {
      const shapes = { updates: u!, indices: i!, shape }
      if (shape.length === 0) return E.left(shapeError('scatterAdd', 'shape', 'cannot scatter into a scalar', shapes))
      const checked = axisOk('scatterAdd', axis, shape.length, shapes)
      if (E.isLeft(checked)) return checked
      const expected = [...shape.slice(0, axis), ...i!, ...shape.slice(axis + 1)]
      return equals(expected, u!)
        ? E.right(shape)
        : E.left(shapeError('scatterAdd', 'updates', `updates must have shape ${formatShape(expected)}`, shapes))
    },
    impl: (be, [u, idx], { axis, shape }) => {
      checkIndices('scatterAdd', idx!, shape[axis] ?? 0, { updates: u!.shape, indices: idx!.shape, shape })
      return be.scatterAdd(u!, idx!, axis, shape)
    },
    jvp: ([, idx], [t], __, { axis, shape }) => (t === undefined ? undefined : scatterAdd(t, idx!, axis, shape)),
    keeps: 'inputs',
    vjp: (ct, [, idx], __, { axis }) => [gather(ct, idx!, axis), undefined],
  },
  oneHot: {
    shape: ([i], { depth }) =>
      Number.isInteger(depth) && depth >= 0
        ? E.right([...i!, depth])
        : E.left(shapeError('oneHot', 'depth', `depth ${depth} must be a non-negative integer`, { indices: i! })),
    dtype: (_, { dtype }) => dtype,
    impl: (be, [idx], { depth, dtype }) => {
      checkIndices('oneHot', idx!, depth, { indices: idx!.shape })
      return be.oneHot(idx!, depth, dtype)
    },
    jvp: () => undefined,
    keeps: 'shapes',
    vjp: () => [undefined],
  },
}
