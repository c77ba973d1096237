/**
 * The programs that `arbitraries/programs.ts` generates: their vocabulary (smooth operations with
 * the bounds they keep values within), their resolved form (`Program`: input shapes and steps),
 * an interpreter (`runProgram`, on any backend and under any transformation) and a renderer
 * (`showProgram`) for counterexamples.
 *
 * Every value of a program lives in one shape family, "every dimension is 1 or n", which
 * broadcasting keeps; matmul lifts its operands to n×n matrices with `broadcastTo`; windows and
 * shifts slice back to the shape they started from.
 *
 * @since 0.1.0
 */

import type { Shape, Tensor, TreeT } from '@recur/core'
import * as core from '@recur/core'

/**
 * A unary operation of the vocabulary.
 *
 * @category model
 * @since 0.1.0
 */
export interface UnaryDef {
  readonly f: (x: Tensor) => Tensor
  /** How the step reads, given its operand. */
  readonly show: (x: string) => string
  /** The bound of the result from the bound of the operand. */
  readonly bound: (b: number) => number
  /** Operands with a larger bound go through tanh first. */
  readonly limit: number
}

const call = (name: string) => (x: string) => `${name}(${x})`
const onePlusSquare = (x: Tensor): Tensor => core.add(core.square(x), 1)
/**
 * The unary vocabulary: smooth everywhere on the values programs produce.
 *
 * @category catalog
 * @since 0.1.0
 */
export const unaries = {
  tanh: { f: core.tanh, show: call('tanh'), bound: () => 1, limit: Infinity },
  sigmoid: { f: core.sigmoid, show: call('sigmoid'), bound: () => 1, limit: Infinity },
  sin: { f: core.sin, show: call('sin'), bound: () => 1, limit: Infinity },
  cos: { f: core.cos, show: call('cos'), bound: () => 1, limit: Infinity },
  neg: { f: core.neg, show: call('neg'), bound: (b) => b, limit: Infinity },
  softplus: { f: core.softplus, show: call('softplus'), bound: (b) => b + 1, limit: Infinity },
  exp: { f: core.exp, show: call('exp'), bound: Math.exp, limit: 3 },
  expm1: { f: core.expm1, show: call('expm1'), bound: Math.exp, limit: 3 },
  square: { f: core.square, show: call('square'), bound: (b) => b * b, limit: 3 },
  logSigmoid: { f: (x) => core.log(core.sigmoid(x)), show: (x) => `log(sigmoid(${x}))`, bound: (b) => b + 1, limit: 8 },
  log1pSquare: {
    f: (x) => core.log1p(core.square(x)),
    show: (x) => `log1p(square(${x}))`,
    bound: (b) => Math.log1p(b * b),
    limit: Infinity,
  },
  sqrtOnePlusSquare: {
    f: (x) => core.sqrt(onePlusSquare(x)),
    show: (x) => `sqrt(1 + square(${x}))`,
    bound: (b) => Math.sqrt(1 + b * b),
    limit: Infinity,
  },
  rsqrtOnePlusSquare: {
    f: (x) => core.rsqrt(onePlusSquare(x)),
    show: (x) => `rsqrt(1 + square(${x}))`,
    bound: () => 1,
    limit: Infinity,
  },
  reciprocalOnePlusSquare: {
    f: (x) => core.reciprocal(onePlusSquare(x)),
    show: (x) => `reciprocal(1 + square(${x}))`,
    bound: () => 1,
    limit: Infinity,
  },
} satisfies Record<string, UnaryDef>

/**
 * A binary operation of the vocabulary (the second operand may be guarded by tanh).
 *
 * @category model
 * @since 0.1.0
 */
export interface BinaryDef {
  readonly f: (a: Tensor, b: Tensor) => Tensor
  readonly show: (a: string, b: string) => string
  readonly bound: (ba: number, bb: number) => number
  /** A second operand with a larger bound goes through tanh first. */
  readonly limit: number
}

const call2 = (name: string) => (a: string, b: string) => `${name}(${a}, ${b})`
/**
 * The binary vocabulary (broadcasting): smooth everywhere on the values programs produce.
 *
 * @category catalog
 * @since 0.1.0
 */
export const binaries = {
  add: { f: core.add, show: call2('add'), bound: (a, b) => a + b, limit: Infinity },
  sub: { f: core.sub, show: call2('sub'), bound: (a, b) => a + b, limit: Infinity },
  mul: { f: core.mul, show: call2('mul'), bound: (a, b) => a * b, limit: Infinity },
  divOnePlusSquare: {
    f: (a, b) => core.div(a, onePlusSquare(b)),
    show: (a, b) => `div(${a}, 1 + square(${b}))`,
    bound: (a) => a,
    limit: Infinity,
  },
  powShifted: {
    f: (a, b) => core.pow(core.add(core.sigmoid(a), 0.5), b),
    show: (a, b) => `pow(0.5 + sigmoid(${a}), ${b})`,
    bound: (_, b) => 2 ** b,
    limit: 3,
  },
} satisfies Record<string, BinaryDef>

/**
 * The name of a unary operation of the vocabulary.
 *
 * @category model
 * @since 0.1.0
 */
export type UnaryName = keyof typeof unaries

/**
 * The name of a binary operation of the vocabulary.
 *
 * @category model
 * @since 0.1.0
 */
export type BinaryName = keyof typeof binaries

/**
 * The unary names, in a fixed order (generators index into it).
 *
 * @category catalog
 * @since 0.1.0
 */
export const unaryNames = Object.keys(unaries) as UnaryName[]

/**
 * The binary names, in a fixed order (generators index into it).
 *
 * @category catalog
 * @since 0.1.0
 */
export const binaryNames = Object.keys(binaries) as BinaryName[]

/**
 * One resolved step of a program: what it computes and from which earlier values (indices into
 * inputs ++ steps).
 *
 * @category model
 * @since 0.1.0
 */
export type StepOp =
  | { readonly kind: 'unary'; readonly op: UnaryName; readonly guard: boolean }
  | { readonly kind: 'binary'; readonly op: BinaryName; readonly guard: boolean }
  | {
      readonly kind: 'reduce'
      readonly op: 'sum' | 'mean' | 'logSumExp'
      readonly axes: readonly number[]
      readonly keepDims: boolean
    }
  | { readonly kind: 'softmax'; readonly op: 'logSoftmax' | 'softmax'; readonly axis: number }
  | { readonly kind: 'matmul'; readonly transposeA: boolean; readonly transposeB: boolean }
  | { readonly kind: 'transpose'; readonly perm: readonly number[] }
  | { readonly kind: 'reshape'; readonly shape: Shape }
  | { readonly kind: 'gather'; readonly axis: number; readonly indices: readonly number[] }
  | { readonly kind: 'window'; readonly axis: number; readonly offset: number }
  | { readonly kind: 'shift'; readonly axis: number; readonly pad: number; readonly offset: number; readonly value: number }

/**
 * A step with its operands, result shape and bound, and whether the result goes through tanh.
 *
 * @category model
 * @since 0.1.0
 */
export type Step = StepOp & {
  readonly args: readonly number[]
  readonly shape: Shape
  readonly bound: number
  readonly squash: boolean
}

/**
 * A well-shaped program: input shapes, steps, and which values it returns (one: a tensor; two: a
 * pair, possibly the same value twice).
 *
 * @category model
 * @since 0.1.0
 */
export interface Program {
  readonly n: number
  readonly inputs: readonly Shape[]
  readonly steps: readonly Step[]
  readonly outputs: readonly number[]
}

/**
 * The broadcast of two shapes of the family (dimensions 1 or n), which always exists.
 *
 * @category shape rules
 * @since 0.1.0
 */
export const broadcastShape = (a: Shape, b: Shape): Shape => {
  const r = Math.max(a.length, b.length)
  return Array.from({ length: r }, (_, i) => Math.max(a[i - r + a.length] ?? 1, b[i - r + b.length] ?? 1))
}
/**
 * The shape a matmul operand is lifted to: its batch dimensions (rank ≥ 2) and n×n.
 *
 * @category shape rules
 * @since 0.1.0
 */
export const matrix = (s: Shape, n: number): Shape => [...(s.length >= 2 ? s.slice(0, -2) : []), n, n]

/**
 * Runs a program on tensors of its input shapes (any backend); returns a tensor, or a pair.
 *
 * @category interpreters
 * @since 0.1.0
 */
export const runProgram = (p: Program, inputs: readonly Tensor[]): TreeT => {
  const values: Tensor[] = [...inputs]
  const get = (i: number | undefined): Tensor => {
    const v = values[i ?? -1]
    if (v === undefined) throw new RangeError(`runProgram: value ${i} is not defined yet`)
    return v
  }
  for (const step of p.steps) {
    const [x, y] = [get(step.args[0]), step.args.length > 1 ? get(step.args[1]) : get(step.args[0])]
    const out = evaluate(step, x, y, p.n)
    values.push(step.squash ? core.tanh(out) : out)
  }
  const outs = p.outputs.map(get)
  return outs.length === 1 ? get(p.outputs[0]) : outs
}

const reducers = { sum: core.sum, mean: core.mean, logSumExp: core.logSumExp }

const evaluate = (step: Step, x: Tensor, y: Tensor, n: number): Tensor => {
  switch (step.kind) {
    case 'unary':
      return (unaries[step.op] as UnaryDef).f(step.guard ? core.tanh(x) : x)
    case 'binary':
      return (binaries[step.op] as BinaryDef).f(x, step.guard ? core.tanh(y) : y)
    case 'reduce':
      return reducers[step.op](x, { axes: step.axes, keepDims: step.keepDims })
    case 'softmax':
      return step.op === 'softmax' ? core.softmax(x, step.axis) : core.logSoftmax(x, step.axis)
    case 'matmul':
      return core.matmul(core.broadcastTo(x, matrix(x.shape, n)), core.broadcastTo(y, matrix(y.shape, n)), step)
    case 'transpose':
      return core.transpose(x, step.perm)
    case 'reshape':
      return core.reshape(x, step.shape)
    case 'gather':
      return core.gather(x, core.fromFlat(step.indices, [step.indices.length], { backend: x.backend, dtype: x.dtype }), step.axis)
    case 'window': {
      const joined = core.concat([core.broadcastTo(x, step.shape), core.broadcastTo(y, step.shape)], step.axis)
      return core.slice(
        joined,
        step.shape.map((_, i) => (i === step.axis ? step.offset : 0)),
        step.shape,
      )
    }
    case 'shift': {
      const padded = core.pad(
        x,
        x.shape.map((_, i) => (i === step.axis ? [step.pad, step.pad] : [0, 0])),
        step.value,
      )
      return core.slice(
        padded,
        x.shape.map((_, i) => (i === step.axis ? step.offset : 0)),
        x.shape,
      )
    }
  }
}

const showStep = (s: Step, name: (i: number | undefined) => string): string => {
  const [x, y] = [name(s.args[0]), name(s.args[1])]
  const body = ((): string => {
    switch (s.kind) {
      case 'unary':
        return (unaries[s.op] as UnaryDef).show(s.guard ? `tanh(${x})` : x)
      case 'binary':
        return (binaries[s.op] as BinaryDef).show(x, s.guard ? `tanh(${y})` : y)
      case 'reduce':
        return `${s.op}(${x}, { axes: [${s.axes}], keepDims: ${s.keepDims} })`
      case 'softmax':
        return `${s.op}(${x}, ${s.axis})`
      case 'matmul':
        return `matmul(⇑${x}, ⇑${y}${s.transposeA ? ', transposeA' : ''}${s.transposeB ? ', transposeB' : ''})  (⇑: broadcast to n×n)`
      case 'transpose':
        return `transpose(${x}, [${s.perm}])`
      case 'reshape':
        return `reshape(${x}, [${s.shape}])`
      case 'gather':
        return `gather(${x}, [${s.indices}], ${s.axis})`
      case 'window':
        return `window(concat(${x}, ${y}), axis ${s.axis}, from ${s.offset})`
      case 'shift':
        return `slice(pad(${x}, ${s.pad} × ${s.value} each side of axis ${s.axis}), from ${s.offset})`
    }
  })()
  return s.squash ? `tanh(${body})` : body
}

/**
 * A program as text, one line per step with its shape:
 * `v0 = tanh(x1)  [3,1]` … `return v2`.
 *
 * @category formatting
 * @since 0.1.0
 */
export const showProgram = (p: Program): string => {
  const name = (i: number | undefined): string =>
    i === undefined ? '?' : i < p.inputs.length ? `x${i}` : `v${i - p.inputs.length}`
  const header = `program (n = ${p.n}; ${p.inputs.map((s, i) => `x${i}: [${s}]`).join(', ')})`
  const lines = p.steps.map((s, i) => `  v${i} = ${showStep(s, name)}  [${s.shape}]`)
  return [
    header,
    ...lines,
    `  return ${p.outputs.length === 1 ? name(p.outputs[0]) : `[${p.outputs.map(name).join(', ')}]`}`,
  ].join('\n')
}
