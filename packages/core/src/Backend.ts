/**
 * The Backend interface: the only way core reaches kernels.
 *
 * A backend is a plain record of readonly functions over row-major data. It knows nothing of
 * automatic differentiation, of `Tensor`, or of other backends. Core validates every argument
 * before it calls a kernel (shapes, axes, dtypes, index ranges), so a kernel may assume its input
 * is well-formed; core also checks every result (typed array class and length) so that a faulty
 * backend fails loudly at the kernel that misbehaved.
 *
 * Contract for every kernel:
 * - Inputs are {@link Operand}s: row-major, contiguous, `data.length === size(shape)`, and `data`
 *   is a `Float32Array` for `'float32'` and a `Float64Array` for `'float64'`.
 * - Inputs are never written.
 * - The result is a typed array of the output dtype (the input dtype unless the kernel takes a
 *   `dtype`) holding the output in row-major order. It belongs to the new tensor from then on: the
 *   backend must never write it again. Returning an input's own `data` is allowed where the values
 *   are the same (e.g. `reshape`), since no one writes it.
 * - float32 results are the float32 rounding of the exact operation as closely as the backend can;
 *   the conformance tests in `@recur/testing` state the tolerances per kernel.
 *
 * The semantics of each kernel are defined by the reference backend in `@recur/testing`.
 *
 * @since 0.1.0
 */
import type { DType } from './DType.js'
import type { Shape } from './Shape.js'

/**
 * Read-only element access: what a kernel may do with its input data.
 *
 * @category model
 * @since 0.1.0
 */
export interface ReadonlyData {
  readonly length: number
  readonly [index: number]: number
}

/**
 * A kernel argument: data with its shape and dtype.
 *
 * @category model
 * @since 0.1.0
 */
export interface Operand {
  readonly shape: Shape
  readonly dtype: DType
  readonly data: ReadonlyData
  /**
   * `true` when `data` will never change: it is a tensor's, and tensors are immutable. A
   * backend may then keep something derived from it (say, a weight matrix packed for its matmul)
   * keyed by the identity of `data`, and reuse it when the same data comes again. Core sets it
   * for every tensor operand; a direct caller of a kernel that reuses its buffers must leave it
   * unset.
   */
  readonly immutable?: boolean
}

/**
 * Elementwise functions of one argument. Definitions (as JavaScript `Math`):
 * `neg` −x; `abs`; `sign` (−1, 0 or 1; NaN stays NaN); `square` x²; `sqrt`; `rsqrt` 1/√x;
 * `reciprocal` 1/x; `exp`; `expm1` eˣ−1; `log`; `log1p` log(1+x); `sin`; `cos`; `tanh`;
 * `sigmoid` 1/(1+e⁻ˣ), computed without overflow; `softplus` log(1+eˣ), computed without
 * overflow; `relu` max(x, 0), NaN stays NaN; `floor`; `ceil`; `round` (half to even, as NumPy and
 * PyTorch).
 *
 * @category ops
 * @since 0.1.0
 */
export const unaryOps = [
  'neg',
  'abs',
  'sign',
  'square',
  'sqrt',
  'rsqrt',
  'reciprocal',
  'exp',
  'expm1',
  'log',
  'log1p',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'softplus',
  'relu',
  'floor',
  'ceil',
  'round',
] as const

/** @category ops @since 0.1.0 */
export type UnaryOp = (typeof unaryOps)[number]

/**
 * Elementwise functions of two broadcast arguments: `add`, `sub`, `mul`, `div`, `pow` (as `**`),
 * `maximum` and `minimum` (NaN wins, as PyTorch).
 *
 * @category ops
 * @since 0.1.0
 */
export const binaryOps = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const

/** @category ops @since 0.1.0 */
export type BinaryOp = (typeof binaryOps)[number]

/**
 * Elementwise comparisons of two broadcast arguments; the result is 1 where the comparison holds
 * and 0 elsewhere, in the arguments' dtype. Any comparison with NaN is false except `notEqual`.
 *
 * @category ops
 * @since 0.1.0
 */
export const compareOps = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const

/** @category ops @since 0.1.0 */
export type CompareOp = (typeof compareOps)[number]

/**
 * Reductions over a set of axes: `sum` (0 over no elements), `prod` (1 over no elements), `max` and
 * `min` (NaN wins; core rejects them over zero elements).
 *
 * @category ops
 * @since 0.1.0
 */
export const reduceOps = ['sum', 'prod', 'max', 'min'] as const

/** @category ops @since 0.1.0 */
export type ReduceOp = (typeof reduceOps)[number]

/**
 * Index of the largest (`argmax`) or smallest (`argmin`) element along one axis; the first such
 * index on ties; the first NaN if there is one (as PyTorch).
 *
 * @category ops
 * @since 0.1.0
 */
export const argReduceOps = ['argmax', 'argmin'] as const

/** @category ops @since 0.1.0 */
export type ArgReduceOp = (typeof argReduceOps)[number]

/**
 * Padding of one axis: elements added before and after.
 *
 * @category model
 * @since 0.1.0
 */
export type Pad = readonly [before: number, after: number]

/**
 * The kernels a backend provides. A record that misses one does not compile.
 *
 * Shapes named `outShape` are computed and checked by core and passed for convenience.
 *
 * @category model
 * @since 0.1.0
 */
export interface Backend {
  /** A short name for messages and benchmarks, e.g. `'cpu'`. */
  readonly name: string

  /** `op` applied to every element. Output: `x.shape`, `x.dtype`. */
  readonly unary: (op: UnaryOp, x: Operand) => ReadonlyData

  /**
   * `op` applied elementwise after broadcasting `a` and `b` to `outShape`. `a.dtype === b.dtype`.
   */
  readonly binary: (op: BinaryOp, a: Operand, b: Operand, outShape: Shape) => ReadonlyData

  /** 1 where `a op b` holds, else 0, broadcast to `outShape`; dtype of `a` (= dtype of `b`). */
  readonly compare: (op: CompareOp, a: Operand, b: Operand, outShape: Shape) => ReadonlyData

  /**
   * `cond ≠ 0 ? a : b`, all three broadcast to `outShape`. `a.dtype === b.dtype`, which is the
   * output dtype; `cond` may have either dtype.
   */
  readonly where: (cond: Operand, a: Operand, b: Operand, outShape: Shape) => ReadonlyData

  /**
   * Reduces `x` over `axes` (sorted, distinct, in range). Output: `x.shape` without those axes.
   */
  readonly reduce: (op: ReduceOp, x: Operand, axes: readonly number[]) => ReadonlyData

  /**
   * Index along `axis` of the largest or smallest element, as a number in `x.dtype`. Output:
   * `x.shape` without `axis`. `x.shape[axis] > 0`.
   */
  readonly argReduce: (op: ArgReduceOp, x: Operand, axis: number) => ReadonlyData

  /**
   * Batched matrix product. `a` is `[...batchA, m, k]` (or `[...batchA, k, m]` with
   * `transposeA`), `b` is `[...batchB, k, n]` (or `[...batchB, n, k]` with `transposeB`); both
   * have the same rank ≥ 2, and the batch dimensions broadcast to those of `outShape`,
   * which is `[...batch, m, n]`.
   */
  readonly matmul: (a: Operand, b: Operand, transposeA: boolean, transposeB: boolean, outShape: Shape) => ReadonlyData

  /** Permutes axes: output axis `i` is input axis `perm[i]`. */
  readonly transpose: (x: Operand, perm: readonly number[]) => ReadonlyData

  /** The same elements in the same order under `shape` (`size(shape) === size(x.shape)`). */
  readonly reshape: (x: Operand, shape: Shape) => ReadonlyData

  /**
   * The block starting at `begin` with dimensions `size` (in range on every axis). Like any
   * kernel, it may return memory shared with an immutable input (`cpu` returns a view of a
   * contiguous block holding at least 1/64 of `x`).
   */
  readonly slice: (x: Operand, begin: readonly number[], size: Shape) => ReadonlyData

  /** `x` surrounded by `value`: `pads[i]` elements before and after on axis `i` (all ≥ 0). */
  readonly pad: (x: Operand, pads: readonly Pad[], value: number) => ReadonlyData

  /** Joins `xs` (one or more, same rank and dtype, equal off `axis`) along `axis`. */
  readonly concat: (xs: readonly Operand[], axis: number) => ReadonlyData

  /**
   * Takes slices of `x` along `axis` at `indices` (integers in `[0, x.shape[axis])`, stored in any
   * dtype). Output: `x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:]`, dtype of `x`.
   */
  readonly gather: (x: Operand, indices: Operand, axis: number) => ReadonlyData

  /**
   * The transpose of `gather`: a zero tensor of `outShape` into which each slice of `updates` is
   * added at its index along `axis` (repeated indices accumulate). `updates` has the shape that
   * `gather` of `outShape` with `indices` would produce.
   */
  readonly scatterAdd: (updates: Operand, indices: Operand, axis: number, outShape: Shape) => ReadonlyData

  /**
   * One-hot rows: output `indices.shape ++ [depth]` of `dtype`, 1 at each index (an integer in
   * `[0, depth)`) and 0 elsewhere.
   */
  readonly oneHot: (indices: Operand, depth: number, dtype: DType) => ReadonlyData

  /** The elements of `x` converted to `dtype` (float64 → float32 rounds to nearest). */
  readonly cast: (x: Operand, dtype: DType) => ReadonlyData

  /** A new array of `size(shape)` elements of `dtype`, each `value` (rounded to `dtype`). */
  readonly fill: (shape: Shape, dtype: DType, value: number) => ReadonlyData

  /**
   * Optional fused kernels (see {@link FusedKernels}). Core uses each one that is present and
   * computes the same thing from the required kernels when it is absent.
   */
  readonly fused?: FusedKernels
}

/**
 * Optional fused recurrent-cell kernels. Each is one pass over its operands that allocates only
 * its results. All operands share one dtype (the results' dtype) and the same leading dimensions
 * `…` (any number, possibly none), and are row-major over the last axis. `σ` is the `sigmoid` of
 * {@link unaryOps}; `tanh` is `Math.tanh`. The semantics are those of the composed definitions
 * `composedLstmGates`, `composedLstmGatesBackward`, `composedGruGates` and
 * `composedGruGatesBackward` in core (a float32 kernel should round where they do: after every
 * operation).
 *
 * @category model
 * @since 0.1.0
 */
export interface FusedKernels {
  /**
   * LSTM gates: `gates` `(…, 4H)` holds the pre-activations i, f, g, o; `c` `(…, H)`. Results
   * `[h, c']`, both `(…, H)`: `c' = σ(f)·c + σ(i)·tanh(g)`, `h = σ(o)·tanh(c')`.
   */
  readonly lstmGates?: (gates: Operand, c: Operand) => readonly [h: ReadonlyData, c: ReadonlyData]
  /**
   * The pullback of `lstmGates` at `gates` `(…, 4H)`, `c` `(…, H)` of the cotangents `dh`, `dc`
   * `(…, H)` of h and c'. Results `[d gates (…, 4H), d c (…, H)]`.
   */
  readonly lstmGatesBackward?: (
    gates: Operand,
    c: Operand,
    dh: Operand,
    dc: Operand,
  ) => readonly [gates: ReadonlyData, c: ReadonlyData]
  /**
   * GRU gates with the reset gate applied after the recurrent product (PyTorch): `xp` `(…, 3H)` =
   * x·W_ihᵀ + b_ih, `hp` `(…, 3H)` = h·W_hhᵀ + b_hh, `h` `(…, H)`, each split r, z, n. Result
   * `(…, H)`: `n + z·(h − n)` with `r = σ(x_r + h_r)`, `z = σ(x_z + h_z)`, `n = tanh(x_n + r·h_n)`.
   */
  readonly gruGates?: (xp: Operand, hp: Operand, h: Operand) => ReadonlyData
  /**
   * The pullback of `gruGates` at `xp`, `hp` `(…, 3H)`, `h` `(…, H)` of the cotangent `ct`
   * `(…, H)`. Results `[d xp (…, 3H), d hp (…, 3H), d h (…, H)]`.
   */
  readonly gruGatesBackward?: (
    xp: Operand,
    hp: Operand,
    h: Operand,
    ct: Operand,
  ) => readonly [xp: ReadonlyData, hp: ReadonlyData, h: ReadonlyData]
  /**
   * A whole LSTM recurrence (core's `lstmRecurrence`, whose composed definition fixes the order of
   * operations: `xp = x·W_ihᵀ` in one product, then per step `gates_t = (xp_t + h·W_hhᵀ) + b` and
   * `lstmGates`): `x` `(L, N, I)`, `wIh` `(4H, I)`, `wHh` `(4H, H)`, `b` `(4H)`, `h0`, `c0`
   * `(N, H)`; step t follows step t − 1 (t + 1 when `reverse`). Results `[ys (L, N, H),
   * cs (L, N, H), gates (L, N, 4H)]`, or without `residuals` `[ys, c_final (1, N, H),
   * (0, N, 4H)]`. This and the three recurrence kernels below may return `undefined` for operands
   * they do not take (say float64); core then runs the composed definition.
   */
  readonly lstmRecurrence?: (
    x: Operand,
    wIh: Operand,
    wHh: Operand,
    b: Operand,
    h0: Operand,
    c0: Operand,
    reverse: boolean,
    residuals: boolean,
  ) => readonly [ys: ReadonlyData, cs: ReadonlyData, gates: ReadonlyData] | undefined
  /**
   * The backward pass of `lstmRecurrence` (core's `lstmRecurrenceBackward`): `gates`
   * `(L, N, 4H)`, `cs` `(L, N, H)`, `c0` `(N, H)`, `wHh` `(4H, H)`, `dys` `(L, N, H)`, `dh`, `dc`
   * `(N, H)`. Results `[d gates (L, N, 4H), dh0 (N, H), dc0 (N, H), db (4H)]`, db the sum of
   * d gates over steps and batch.
   */
  readonly lstmRecurrenceBackward?: (
    gates: Operand,
    cs: Operand,
    c0: Operand,
    wHh: Operand,
    dys: Operand,
    dh: Operand,
    dc: Operand,
    reverse: boolean,
  ) => readonly [gates: ReadonlyData, h0: ReadonlyData, c0: ReadonlyData, b: ReadonlyData] | undefined
  /**
   * A whole reset-after GRU recurrence (core's `gruRecurrence`: `xp = x·W_ihᵀ` in one product,
   * then per step `xb_t = xp_t + b_ih`, `hp_t = h·W_hhᵀ + b_hh`, `gruGates(xb_t, hp_t, h)`): `x`
   * `(L, N, I)`, `wIh` `(3H, I)`, `wHh` `(3H, H)`, `bIh`, `bHh` `(3H)`, `h0` `(N, H)`. Results
   * `[ys (L, N, H), xb (L, N, 3H), hp (L, N, 3H)]`, or without `residuals` `xb` and `hp`
   * `(0, N, 3H)`.
   */
  readonly gruRecurrence?: (
    x: Operand,
    wIh: Operand,
    wHh: Operand,
    bIh: Operand,
    bHh: Operand,
    h0: Operand,
    reverse: boolean,
    residuals: boolean,
  ) => readonly [ys: ReadonlyData, xb: ReadonlyData, hp: ReadonlyData] | undefined
  /**
   * The backward pass of `gruRecurrence` (core's `gruRecurrenceBackward`): `xb`, `hp`
   * `(L, N, 3H)`, `ys` `(L, N, H)`, `h0` `(N, H)`, `wHh` `(3H, H)`, `dys` `(L, N, H)`, `dh`
   * `(N, H)`. Results `[d xb (L, N, 3H), d hp (L, N, 3H), dh0 (N, H), d b_ih (3H), d b_hh (3H)]`,
   * the bias cotangents being the sums of d xb and d hp over steps and batch.
   */
  readonly gruRecurrenceBackward?: (
    xb: Operand,
    hp: Operand,
    ys: Operand,
    h0: Operand,
    wHh: Operand,
    dys: Operand,
    dh: Operand,
    reverse: boolean,
  ) => readonly [xb: ReadonlyData, hp: ReadonlyData, h0: ReadonlyData, bIh: ReadonlyData, bHh: ReadonlyData] | undefined
}
