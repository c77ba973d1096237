/**
 * Elementwise functions of two broadcast arguments, comparisons, and `where`. Broadcasting reads
 * inputs through strides (0 on broadcast dimensions); nothing is materialised.
 */
import { allocate, type BinaryOp, type CompareOp, type Operand, type ReadonlyData, type Shape, Shapes } from '@recur/core'
import { coalesce, forEachLine, innerStrides } from './iterate.js'

type Out = Float32Array | Float64Array

/** One line of a binary op: `o[io + j] = a[ia + j·sa] op b[ib + j·sb]` for j < n. */
const binaryLine = (
  op: BinaryOp,
  a: ReadonlyData,
  ia: number,
  sa: number,
  b: ReadonlyData,
  ib: number,
  sb: number,
  o: Out,
  io: number,
  n: number,
): void => {
  switch (op) {
    case 'add':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa]! + b[ib + j * sb]!
      return
    case 'sub':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa]! - b[ib + j * sb]!
      return
    case 'mul':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa]! * b[ib + j * sb]!
      return
    case 'div':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa]! / b[ib + j * sb]!
      return
    case 'pow':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa]! ** b[ib + j * sb]!
      return
    case 'maximum':
      for (let j = 0; j < n; j++) o[io + j] = Math.max(a[ia + j * sa]!, b[ib + j * sb]!)
      return
    case 'minimum':
      for (let j = 0; j < n; j++) o[io + j] = Math.min(a[ia + j * sa]!, b[ib + j * sb]!)
      return
  }
}

/** One line of a comparison, writing 1 or 0. */
const compareLine = (
  op: CompareOp,
  a: ReadonlyData,
  ia: number,
  sa: number,
  b: ReadonlyData,
  ib: number,
  sb: number,
  o: Out,
  io: number,
  n: number,
): void => {
  switch (op) {
    case 'equal':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa]! === b[ib + j * sb]! ? 1 : 0
      return
    case 'notEqual':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa]! !== b[ib + j * sb]! ? 1 : 0
      return
    case 'less':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa]! < b[ib + j * sb]! ? 1 : 0
      return
    case 'lessEqual':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa]! <= b[ib + j * sb]! ? 1 : 0
      return
    case 'greater':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa]! > b[ib + j * sb]! ? 1 : 0
      return
    case 'greaterEqual':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa]! >= b[ib + j * sb]! ? 1 : 0
      return
  }
}

/** The coalesced plan of output + inputs broadcast to `outShape`. */
const planFor = (outShape: Shape, inputs: readonly Operand[]) =>
  coalesce(outShape, [Shapes.strides(outShape), ...inputs.map((x) => Shapes.broadcastStrides(x.shape, outShape))])

/** `op` elementwise over `a` and `b` broadcast to `outShape`. */
export const binary = (op: BinaryOp, a: Operand, b: Operand, outShape: Shape): Out => {
  const out = allocate(a.dtype, Shapes.size(outShape))
  const plan = planFor(outShape, [a, b])
  const [, sa = 0, sb = 0] = innerStrides(plan)
  forEachLine(plan, (off, n) => binaryLine(op, a.data, off[1]!, sa, b.data, off[2]!, sb, out, off[0]!, n))
  return out
}

/** 1 where `a op b`, else 0, broadcast to `outShape`. */
export const compare = (op: CompareOp, a: Operand, b: Operand, outShape: Shape): Out => {
  const out = allocate(a.dtype, Shapes.size(outShape))
  const plan = planFor(outShape, [a, b])
  const [, sa = 0, sb = 0] = innerStrides(plan)
  forEachLine(plan, (off, n) => compareLine(op, a.data, off[1]!, sa, b.data, off[2]!, sb, out, off[0]!, n))
  return out
}

/** `cond ≠ 0 ? a : b`, broadcast to `outShape`, in `a`'s dtype. */
export const where = (cond: Operand, a: Operand, b: Operand, outShape: Shape): Out => {
  const out = allocate(a.dtype, Shapes.size(outShape))
  const plan = planFor(outShape, [cond, a, b])
  const [, sc = 0, sa = 0, sb = 0] = innerStrides(plan)
  const c = cond.data
  const x = a.data
  const y = b.data
  forEachLine(plan, (off, n) => {
    const io = off[0]!
    const ic = off[1]!
    const ia = off[2]!
    const ib = off[3]!
    for (let j = 0; j < n; j++) out[io + j] = c[ic + j * sc] !== 0 ? x[ia + j * sa]! : y[ib + j * sb]!
  })
  return out
}
