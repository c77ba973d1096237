/**
 * Random programs: compositions of 1–6 steps (unary, broadcasting binary, reductions, softmax,
 * matmul, transpose, reshape, gather, concat + slice windows, pad + slice shifts) over 1–3 input
 * tensors, for checking derivative laws on code no one wrote by hand.
 *
 * Every program is well-shaped *by construction*: all values live in one shape family, "every
 * dimension is 1 or n" (rank ≤ 4), which broadcasting keeps (the broadcast of two members is a
 * member); matmul lifts its operands to n×n matrices with `broadcastTo`; windows and shifts slice
 * back to the shape they started from. Raw choices (natural numbers) are resolved against the
 * shapes so far with `%`, so no generated program is ever rejected and shrinking stays local:
 * a reference shrinks towards the newest value, an operation towards the first of its kind.
 *
 * Values stay bounded: inputs lie in [−2, 2], every step's bound is tracked, an operand is put
 * through tanh before an operation that needs a small argument (exp, square, …), and a result
 * whose bound exceeds 8 is put through tanh. Only smooth operations are used, so central
 * differences apply everywhere.
 *
 * The programs' vocabulary, interpreter and renderer are in `laws/program.ts`.
 *
 * @since 0.1.0
 */
import type { Backend, Shape, Tensor } from '@recur/core'
import fc from 'fast-check'
import { permutation } from '../laws/catalog/structural.js'
import { between, fromPool, type LawCase, pool } from '../laws/catalog/values.js'
import {
  type BinaryDef,
  binaries,
  binaryNames,
  broadcastShape,
  matrix,
  type Program,
  runProgram,
  type Step,
  type StepOp,
  showProgram,
  type UnaryDef,
  unaries,
  unaryNames,
} from '../laws/program.js'
import { showTree } from '../laws/tree.js'

/**
 * Bounds for generated programs.
 *
 * @category model
 * @since 0.1.0
 */
export interface ProgramConstraints {
  /** Inputs: 1 to `maxInputs` (default 3). */
  readonly maxInputs?: number
  /** Steps: `minSteps` (default 1) to `maxSteps` (default 6). */
  readonly minSteps?: number
  readonly maxSteps?: number
  /** Largest input rank (default 3); values may reach rank 4. */
  readonly maxRank?: number
  /** Largest n, the size of non-1 dimensions (default 3). */
  readonly maxDim?: number
  /** Whether programs may return a pair (default true). */
  readonly pairs?: boolean
}

/** One step's raw choices. */
type Raw = readonly [kind: number, op: number, refs: readonly number[], flags: readonly boolean[]]

const rawStep: fc.Arbitrary<Raw> = fc.tuple(
  fc.nat({ max: 9 }),
  fc.nat({ max: 1 << 16 }),
  fc.array(fc.nat({ max: 1 << 16 }), { minLength: 6, maxLength: 6 }),
  fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
)

interface Value {
  readonly shape: Shape
  readonly bound: number
}

/** Resolves one raw step against the values so far. */
const resolveStep = ([kind, op, refs, flags]: Raw, values: readonly Value[], n: number): Step => {
  // The first operand is always the newest value, so that every step feeds the result; the
  // second is any value so far, shrinking towards the newest.
  const a = values.length - 1
  const b = values.length - 1 - ((refs[1] ?? 0) % values.length)
  const x = values[a] ?? { shape: [], bound: 1 }
  const y = values[b] ?? { shape: [], bound: 1 }
  const r = (i: number, m: number): number => (m <= 0 ? 0 : (refs[i] ?? 0) % m)
  const done = (s: StepOp, args: readonly number[], shape: Shape, bound: number): Step => ({
    ...s,
    args,
    shape,
    bound: bound > 8 ? 1 : bound,
    squash: bound > 8,
  })
  const rank = x.shape.length
  const unary = (): Step => {
    const name = unaryNames[op % unaryNames.length] ?? 'tanh'
    const def: UnaryDef = unaries[name]
    const guard = x.bound > def.limit
    return done({ kind: 'unary', op: name, guard }, [a], x.shape, def.bound(guard ? 1 : x.bound))
  }
  switch (kind) {
    case 0:
    case 1:
      return unary()
    case 2:
    case 3: {
      const name = binaryNames[op % binaryNames.length] ?? 'add'
      const def: BinaryDef = binaries[name]
      const guard = y.bound > def.limit
      return done(
        { kind: 'binary', op: name, guard },
        [a, b],
        broadcastShape(x.shape, y.shape),
        def.bound(x.bound, guard ? 1 : y.bound),
      )
    }
    case 4: {
      const axes = x.shape.flatMap((_, i) => (flags[i] === true ? [i] : []))
      const name = (['sum', 'mean', 'logSumExp'] as const)[op % 3] ?? 'sum'
      const count = axes.reduce((m, i) => m * (x.shape[i] ?? 1), 1)
      const keepDims = flags[3] === true
      const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i))
      const bound = name === 'sum' ? x.bound * count : name === 'mean' ? x.bound : x.bound + Math.log(count)
      return done({ kind: 'reduce', op: name, axes, keepDims }, [a], shape, bound)
    }
    case 5: {
      if (rank === 0) return unary()
      const name = op % 2 === 0 ? 'logSoftmax' : 'softmax'
      const count = Math.max(...x.shape)
      return done(
        { kind: 'softmax', op: name, axis: r(2, rank) },
        [a],
        x.shape,
        name === 'softmax' ? 1 : 2 * x.bound + Math.log(count),
      )
    }
    case 6: {
      const batch = broadcastShape(matrix(x.shape, n).slice(0, -2), matrix(y.shape, n).slice(0, -2))
      return done(
        { kind: 'matmul', transposeA: flags[0] === true, transposeB: flags[1] === true },
        [a, b],
        [...batch, n, n],
        x.bound * y.bound * n,
      )
    }
    case 7: {
      if (flags[0] === true || rank === 0) {
        const perm = permutation(rank, refs.slice(2))
        return done(
          { kind: 'transpose', perm },
          [a],
          perm.map((p) => x.shape[p] ?? 1),
          x.bound,
        )
      }
      const permuted = permutation(rank, refs.slice(2)).map((p) => x.shape[p] ?? 1)
      const at = r(5, permuted.length + 1)
      const shape =
        flags[1] === true && rank < 4
          ? [...permuted.slice(0, at), 1, ...permuted.slice(at)]
          : flags[2] === true
            ? permuted.filter((d) => d !== 1)
            : permuted
      return done({ kind: 'reshape', shape }, [a], shape, x.bound)
    }
    case 8: {
      if (rank === 0) return unary()
      const axis = r(2, rank)
      const length = flags[0] === true ? n : 1
      const indices = Array.from({ length }, (_, i) => (refs[(3 + i) % refs.length] ?? 0) % (x.shape[axis] ?? 1))
      return done(
        { kind: 'gather', axis, indices },
        [a],
        x.shape.map((d, i) => (i === axis ? length : d)),
        x.bound,
      )
    }
    default: {
      const s = broadcastShape(x.shape, y.shape)
      if (s.length === 0) return unary()
      const axis = r(2, s.length)
      if (flags[0] === true)
        return done({ kind: 'window', axis, offset: r(3, (s[axis] ?? 1) + 1) }, [a, b], s, Math.max(x.bound, y.bound))
      const pad = 1 + r(4, 2)
      const value = (r(5, 9) - 4) / 4
      return done(
        { kind: 'shift', axis, pad, offset: r(3, 2 * pad + 1), value },
        [a],
        x.shape,
        Math.max(x.bound, Math.abs(value)),
      )
    }
  }
}

/** Resolves raw choices into a program. */
const resolve = (n: number, inputs: readonly Shape[], raws: readonly Raw[], second: number | undefined): Program => {
  const values: Value[] = inputs.map((shape) => ({ shape, bound: 2 }))
  const steps = raws.map((raw) => {
    const step = resolveStep(raw, values, n)
    values.push(step)
    return step
  })
  const last = values.length - 1
  return { n, inputs, steps, outputs: second === undefined ? [last] : [last, last - (second % values.length)] }
}

/**
 * Random well-shaped programs (see the module comment), rendered by {@link showProgram} in
 * counterexamples.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const program = (c: ProgramConstraints = {}): fc.Arbitrary<Program> =>
  fc
    .tuple(
      fc.integer({ min: 1, max: c.maxDim ?? 3 }),
      fc.array(fc.array(fc.boolean(), { maxLength: c.maxRank ?? 3 }), { minLength: 1, maxLength: c.maxInputs ?? 3 }),
      fc.array(rawStep, { minLength: c.minSteps ?? 1, maxLength: c.maxSteps ?? 6 }),
      c.pairs === false ? fc.constant(undefined) : fc.option(fc.nat({ max: 1 << 16 }), { freq: 4 }),
    )
    .map(([n, inputs, raws, second]) => {
      const p = resolve(
        n,
        inputs.map((dims) => dims.map((big) => (big ? n : 1))),
        raws,
        second ?? undefined,
      )
      return Object.assign(p, { [fc.toStringMethod]: () => showProgram(p) })
    })

/**
 * Law cases from random programs: inputs on `backend` with elements in [−2, 2].
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const programCase = (
  backend: Backend,
  c: ProgramConstraints = {},
): fc.Arbitrary<LawCase & { readonly program: Program }> =>
  fc.tuple(program(c), pool(between(-2, 2))).map(([p, values]) => {
    const primals = p.inputs.map((s, i) => fromPool(backend, s, values, 'float64', 13 * i))
    return {
      name: showProgram(p),
      program: p,
      f: (...xs: readonly Tensor[]) => runProgram(p, xs),
      primals,
      [fc.toStringMethod]: () => `${showProgram(p)}\n  at ${showTree(primals, 'x')}`,
    }
  })
