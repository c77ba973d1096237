/**
 * A small LSTM written with core operations only (testing may not import `@recur/models`), for the
 * end-to-end conformance check and for training tests on custom backends.
 *
 * One step, PyTorch's gate order i, f, g, o:
 * `gates = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh`, `c' = σ(f)⊙c + σ(i)⊙tanh(g)`, `h' = σ(o)⊙tanh(c')`.
 *
 * @since 0.1.0
 */
import {
  add,
  type Backend,
  type DType,
  matmul,
  mul,
  Random,
  type Step,
  scan,
  sigmoid,
  slice,
  square,
  sum,
  type Tensor,
  tanh,
  valueAndGrad,
} from '@recur/core'

/**
 * LSTM parameters (a type, not an interface, so that it is a `Tree`) with PyTorch's names and shapes: `weight_ih` `[4H, I]`, `weight_hh` `[4H, H]`,
 * `bias_ih` and `bias_hh` `[4H]`.
 *
 * @category model
 * @since 0.1.0
 */
export type LstmParams = {
  readonly weight_ih: Tensor
  readonly weight_hh: Tensor
  readonly bias_ih: Tensor
  readonly bias_hh: Tensor
}

/**
 * Sizes of a small LSTM problem: input size I, hidden size H, batch B, time steps T.
 *
 * @category model
 * @since 0.1.0
 */
export interface LstmSizes {
  readonly inputSize: number
  readonly hiddenSize: number
  readonly batch: number
  readonly steps: number
}

/** The carry of a step: `[h, c]`, each `[B, H]`. */
type State = readonly [Tensor, Tensor]

/**
 * One LSTM step over a batch: `(state [h, c], x [B, I]) => [[h', c'], h']`.
 *
 * @category model
 * @since 0.1.0
 */
export const lstmStep =
  (p: LstmParams): Step<State, Tensor, Tensor> =>
  ([h, c], x) => {
    const hidden = p.weight_hh.shape[1] ?? 0
    const gates = add(
      add(matmul(x, p.weight_ih, { transposeB: true }), p.bias_ih),
      add(matmul(h, p.weight_hh, { transposeB: true }), p.bias_hh),
    )
    const batch = gates.shape[0] ?? 0
    const gate = (k: number): Tensor => slice(gates, [0, k * hidden], [batch, hidden])
    const c2 = add(mul(sigmoid(gate(1)), c), mul(sigmoid(gate(0)), tanh(gate(2))))
    const h2 = mul(sigmoid(gate(3)), tanh(c2))
    return [[h2, c2], h2]
  }

/**
 * Runs the LSTM over `xs` `[T, B, I]` from `state`; returns the final `[h, c]` and every `h`
 * stacked, `[T, B, H]`.
 *
 * @category model
 * @since 0.1.0
 */
export const lstmLayer = (p: LstmParams, state: State, xs: Tensor): [State, Tensor] => scan(lstmStep(p), state, xs)

/**
 * PyTorch's default initialisation: every parameter uniform in `[−1/√H, 1/√H]`, from `key`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const initLstm = (
  key: Random.Key,
  inputSize: number,
  hiddenSize: number,
  options: { readonly dtype: DType; readonly backend: Backend },
): LstmParams => {
  const [k0 = key, k1 = key, k2 = key, k3 = key] = Random.split(key, 4)
  const bound = 1 / Math.sqrt(hiddenSize)
  const u = (k: Random.Key, shape: readonly number[]): Tensor => Random.uniform(k, shape, { ...options, min: -bound, max: bound })
  const g = 4 * hiddenSize
  return {
    weight_ih: u(k0, [g, inputSize]),
    weight_hh: u(k1, [g, hiddenSize]),
    bias_ih: u(k2, [g]),
    bias_hh: u(k3, [g]),
  }
}

/**
 * What the end-to-end check compares: the layer's outputs, the loss, and its gradient with respect
 * to every parameter, as flat numbers per named tensor.
 *
 * @category model
 * @since 0.1.0
 */
export type LstmOutcome = ReadonlyArray<readonly [name: string, values: readonly number[]]>

/**
 * The LSTM problem of `sizes` drawn from `seed` on `backend` (the same numbers on every backend:
 * `Random` is backend-independent): parameters, inputs, initial state and a random readout `r`.
 * The loss is `Σ hs⊙r + Σ c_T²`, which reaches every output of the layer.
 *
 * @category laws
 * @since 0.1.0
 */
export const lstmOutcome = (backend: Backend, dtype: DType, sizes: LstmSizes, seed: number): LstmOutcome => {
  const { inputSize: I, hiddenSize: H, batch: B, steps: T } = sizes
  const root = Random.key(seed)
  const [kp = root, kx = root, kh = root, kc = root, kr = root] = Random.split(root, 5)
  const options = { dtype, backend }
  const params = initLstm(kp, I, H, options)
  const xs = Random.normal(kx, [T, B, I], options)
  const state: State = [Random.normal(kh, [B, H], { ...options, std: 0.5 }), Random.normal(kc, [B, H], { ...options, std: 0.5 })]
  const r = Random.normal(kr, [T, B, H], options)
  const run = (p: LstmParams): { loss: Tensor; hs: Tensor; final: State } => {
    const [final, hs] = lstmLayer(p, state, xs)
    return { loss: add(sum(mul(hs, r)), sum(square(final[1]))), hs, final }
  }
  const [loss, g] = valueAndGrad((p: LstmParams) => run(p).loss)(params)
  const { hs, final } = run(params)
  return [
    ['loss', [loss.item()]],
    ['hs', hs.toFlat()],
    ['h_T', final[0].toFlat()],
    ['c_T', final[1].toFlat()],
    ['grad.weight_ih', g.weight_ih.toFlat()],
    ['grad.weight_hh', g.weight_hh.toFlat()],
    ['grad.bias_ih', g.bias_ih.toFlat()],
    ['grad.bias_hh', g.bias_hh.toFlat()],
  ]
}
