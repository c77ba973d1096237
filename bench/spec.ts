/**
 * What the side-by-side benchmark measures, shared by the harness and every JavaScript side:
 * the workloads and their sizes, the FLOP counts behind the GFLOP/s columns, the seeded values
 * every implementation builds for itself (so that losses can be compared on identical weights
 * and inputs), and the JSON a child process prints. `torch_bench.py` mirrors the sizes and the
 * value generator; keep them in step.
 */

/**
 * The workloads of issue #7, and `M1`: one large product, the speed each side's matrix product
 * reaches at its best on this machine (the ceiling the recurrent workloads are judged against).
 */
export const workloadIds = ['W1', 'W2', 'W3', 'W4', 'W5', 'M1'] as const
export type WorkloadId = (typeof workloadIds)[number]

/**
 * Sizes of one workload. `L` = sequence length (steps for W3), `N` = batch, `I` = input size,
 * `H` = hidden size, `O` = head outputs (0 = no head).
 */
export interface Sizes {
  readonly mode: 'LSTM' | 'GRU'
  readonly I: number
  readonly H: number
  readonly N: number
  readonly L: number
  readonly O: number
}

/** How a workload is run and reported. */
export interface Workload {
  readonly id: WorkloadId
  readonly title: string
  /**
   * `train`: one forward + BPTT + SGD step; `stream`: one step at a time; `infer`: forward only;
   * `product`: one input projection `x · W_ihᵀ`, `x` of `(L·N, I)` and `W_ih` of `(G·H, I)`, with
   * `W_ihᵀ` made a contiguous `(I, G·H)` matrix before timing: a plain row-major product, the
   * layout every side is fastest at (tfjs-wasm's transposed-operand path is 13× slower).
   */
  readonly kind: 'train' | 'stream' | 'infer' | 'product'
  readonly full: Sizes
  readonly quick: Sizes
  /** Variants run in separate processes (W5: plain BPTT and checkpointed segments). */
  readonly variants: readonly Variant[]
  readonly warmup: number
  /** A fixed number of timed runs (W3: 15 short runs; W5: one), or `undefined` for `--runs`. */
  readonly runs: number | undefined
}

/**
 * W5's variants: `plain` BPTT; `checkpoint`, the layer in checkpointed segments of ⌈√L⌉ steps
 * (the head and loss over the whole output); `checkpoint-all`, each segment's layer, head and
 * summed loss in one checkpointed call, so that no whole-sequence activation is kept.
 */
export type Variant = 'plain' | 'checkpoint' | 'checkpoint-all'

const w1: Sizes = { mode: 'LSTM', I: 64, H: 256, N: 32, L: 64, O: 64 }
const w1q: Sizes = { mode: 'LSTM', I: 8, H: 16, N: 4, L: 8, O: 8 }

export const workloads: Readonly<Record<WorkloadId, Workload>> = {
  W1: { id: 'W1', title: 'train-LSTM', kind: 'train', full: w1, quick: w1q, variants: ['plain'], warmup: 3, runs: undefined },
  W2: {
    id: 'W2',
    title: 'train-GRU',
    kind: 'train',
    full: { ...w1, mode: 'GRU' },
    quick: { ...w1q, mode: 'GRU' },
    variants: ['plain'],
    warmup: 3,
    runs: undefined,
  },
  W3: {
    id: 'W3',
    title: 'stream',
    kind: 'stream',
    full: { mode: 'LSTM', I: 32, H: 128, N: 1, L: 1000, O: 0 },
    quick: { mode: 'LSTM', I: 4, H: 8, N: 1, L: 50, O: 0 },
    variants: ['plain'],
    // a run is short (tens of ms): more warm-up lets every side's JIT settle, more runs steady the median
    warmup: 10,
    runs: 15,
  },
  W4: {
    id: 'W4',
    title: 'infer-batch',
    kind: 'infer',
    full: { mode: 'LSTM', I: 64, H: 256, N: 64, L: 128, O: 0 },
    quick: { mode: 'LSTM', I: 8, H: 16, N: 4, L: 8, O: 0 },
    variants: ['plain'],
    warmup: 3,
    runs: undefined,
  },
  W5: {
    id: 'W5',
    title: 'long-BPTT memory',
    kind: 'train',
    full: { ...w1, L: 1000 },
    quick: { ...w1q, L: 50 },
    variants: ['plain', 'checkpoint', 'checkpoint-all'],
    warmup: 0,
    runs: 1,
  },
  M1: {
    id: 'M1',
    title: 'matmul-ceiling',
    kind: 'product',
    // [1024, 1024] · [1024, 1024]ᵀ: large enough that every side's product runs at its top speed
    full: { mode: 'LSTM', I: 1024, H: 256, N: 1024, L: 1, O: 0 },
    quick: { mode: 'LSTM', I: 32, H: 8, N: 32, L: 1, O: 0 },
    variants: ['plain'],
    warmup: 3,
    runs: 9,
  },
}

/** Checkpoint segment length for W5: ⌈√L⌉, as `scan(..., { checkpoint: true })` picks. */
export const segmentLength = (s: Sizes): number => Math.ceil(Math.sqrt(s.L))

/** Gates per cell: 4 for LSTM, 3 for GRU. */
export const gates = (s: Sizes): number => (s.mode === 'LSTM' ? 4 : 3)

/**
 * Matmul FLOPs of one forward pass (multiply-adds count 2): the input projection
 * `2·L·N·I·G·H`, the recurrence `2·L·N·H·G·H`, and the head `2·L·N·H·O`. Elementwise work
 * (gates, the loss) is left out: it is O(L·N·H), small beside the matmuls at these sizes.
 */
export const forwardFlops = (s: Sizes): number => 2 * s.L * s.N * ((s.I + s.H) * gates(s) * s.H + s.H * s.O)

/** FLOPs of one training step by the usual convention: 3 × forward (forward + two matmuls back). */
export const trainFlops = (s: Sizes): number => 3 * forwardFlops(s)

/** FLOPs of M1's one product `(L·N, I) · (I, G·H)`. */
export const productFlops = (s: Sizes): number => 2 * s.L * s.N * s.I * gates(s) * s.H

/** FLOPs the GFLOP/s column of a workload counts. */
export const flopsOf = (w: Workload, s: Sizes): number =>
  w.kind === 'train' ? trainFlops(s) : w.kind === 'product' ? productFlops(s) : forwardFlops(s)

/** Learning rate of the SGD step in W1, W2 and W5. */
export const learningRate = 0.1

/**
 * The i-th seeded value of stream `stream`, uniform in [-scale, scale): a 32-bit integer hash
 * (multiply, xor-shift; exact in JavaScript and Python) mapped to a float64, then rounded to
 * float32 by whoever stores it. Every side builds its weights and inputs with this, so losses
 * agree to float32 rounding.
 */
export const seeded = (stream: number, i: number, scale: number): number => {
  let h = (Math.imul(i + 1, 0x9e3779b1) + Math.imul(stream + 1, 0x7feb352d)) >>> 0
  h = (h ^ (h >>> 15)) >>> 0
  h = Math.imul(h, 0x85ebca77) >>> 0
  h = (h ^ (h >>> 13)) >>> 0
  return (h / 2 ** 32) * 2 * scale - scale
}

/** `length` seeded float32 values of stream `stream`, uniform in [-scale, scale). */
export const seededArray = (stream: number, length: number, scale: number): Float32Array => {
  const out = new Float32Array(length)
  for (let i = 0; i < length; i++) out[i] = seeded(stream, i, scale)
  return out
}

/**
 * The streams of the seeded values, one per tensor, in PyTorch's layouts: `weight_ih` `(G·H, I)`,
 * `weight_hh` `(G·H, H)`, `bias_ih`, `bias_hh` `(G·H)`, the head `head_w` `(O, H)`, `head_b`
 * `(O)`, the input `x` `(L, N, I)` and the target `y` `(L, N, O)`. Weights are uniform in
 * ±1/√H as PyTorch's default; inputs and targets in ±1.
 */
export const streams = { weight_ih: 1, weight_hh: 2, bias_ih: 3, bias_hh: 4, head_w: 5, head_b: 6, x: 7, y: 8 } as const
export type StreamName = keyof typeof streams

/** The shape of each seeded tensor for sizes `s`. */
export const shapeOf = (s: Sizes, name: StreamName): readonly number[] => {
  const g = gates(s) * s.H
  switch (name) {
    case 'weight_ih':
      return [g, s.I]
    case 'weight_hh':
      return [g, s.H]
    case 'bias_ih':
    case 'bias_hh':
      return [g]
    case 'head_w':
      return [s.O, s.H]
    case 'head_b':
      return [s.O]
    case 'x':
      return [s.L, s.N, s.I]
    case 'y':
      return [s.L, s.N, s.O]
  }
}

/** The scale of each seeded tensor. */
export const scaleOf = (s: Sizes, name: StreamName): number => (name === 'x' || name === 'y' ? 1 : 1 / Math.sqrt(s.H))

/** The seeded values of tensor `name` for sizes `s`, row-major in the shape of {@link shapeOf}. */
export const valuesOf = (s: Sizes, name: StreamName): Float32Array =>
  seededArray(
    streams[name],
    shapeOf(s, name).reduce((p, q) => p * q, 1),
    scaleOf(s, name),
  )

/** What the harness asks a child process to do (passed as one JSON argument). */
export interface Job {
  readonly workload: WorkloadId
  readonly variant: Variant
  readonly sizes: Sizes
  readonly warmup: number
  readonly runs: number
  /** Stop timing after this many seconds once 3 runs are in (long steps on slow peers). */
  readonly budgetSeconds: number
  readonly threads: number
  /** Learning rate of the SGD step (W1, W2, W5). */
  readonly learningRate: number
  /** For peers with several backends (tfjs: `cpu`, `wasm`). */
  readonly backend?: string
}

/** What a child process prints as its last line of stdout. */
export type ChildResult =
  | {
      readonly ok: true
      /** Milliseconds of each timed run (W3: of the whole stream of L steps). */
      readonly samplesMs: readonly number[]
      /** Loss of every training step (warm-up first), before its update: for the sanity check. */
      readonly losses?: readonly number[]
      /** Highest RSS of the process (MiB) and its growth over the RSS before the first step. */
      readonly peakRssMiB: number
      readonly rssGrowthMiB: number
      /** recur only: heap + array buffers held between the forward and backward pass (MiB). */
      readonly heldMiB?: number
      /**
       * recur-fast M1 only: the arithmetic peak of WebAssembly SIMD128 on this machine (GFLOP/s):
       * independent f32x4 multiply-add chains in registers, no memory traffic (bench/assembly/peak.ts).
       */
      readonly simdPeakGflops?: number
      readonly threads: number
      readonly version: string
      readonly notes?: readonly string[]
    }
  | { readonly ok: false; readonly skipped?: boolean; readonly error: string }

/** Median of a non-empty list. */
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? Number.NaN) + (s[m] ?? Number.NaN)) / 2
}
