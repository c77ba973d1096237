/**
 * The shape and semantic laws of a recurrent layer with PyTorch's semantics, over generated
 * problems ({@link rnnProblem}: every mode, GRU `resetAfter` both ways, 1–3 layers,
 * bidirectional, bias, batch-first, LSTM projections, batched or not, `lengths` in any order,
 * given or zero initial states):
 *
 * 1. shapes: `output`, `h_n`, `c_n` have the documented shapes (functions of the config) and dtype;
 * 2. a batch equals its samples run one by one, each truncated to its length (padded outputs 0);
 * 3. padding beyond `lengths` changes nothing;
 * 4. a bidirectional layer's forward half is the unidirectional layer with its forward weights;
 * 5. its reverse half is the forward run of each sample's valid steps reversed;
 * 6. `numLayers = k` is layer 0 followed by a stack of k − 1 layers;
 * 7. two chunks threading the state equal one pass;
 * 8. `h_n` is the last layer's last valid output: forward at `len − 1`, reverse at 0.
 *
 * Tolerance: laws 1, 3, 4, 6 and 8 compare exactly (`===`, so ±0 are equal): both sides run the
 * same kernels on the same shapes in the same order. Laws 2, 5 and 7 run one side on fewer rows
 * (one sample instead of the batch, a chunk instead of the sequence), where a backend's matmul may
 * take another path that sums in another order, so they allow `tolerance` (default 1e-13, for
 * float64: a few ulps per sum of ≤ 10 terms of size ≤ 1, carried through ≤ 6 steps of contractive
 * or 1/√H-scaled maps, stays far below it; pass a larger one for float32 or other sizes).
 *
 * @since 0.1.0
 */
import { concat, fromFlat, index, type Tensor } from '@recur/core'
import fc from 'fast-check'
import { type RnnProblem, type RnnProblemConstraints, rnnData, rnnProblem } from '../../arbitraries/rnn.js'
import { reference } from '../../reference.js'
import {
  describeProblem,
  type PropertyLaw,
  propertyLaw,
  type RecurrentLayer,
  type RnnCall,
  type RnnOutput,
  type RnnPlace,
  rnnCall,
  runOptions,
} from './layer.js'
import {
  compare,
  compareStates,
  firstFailure,
  firstLayer,
  flip,
  layersFrom,
  lengthOf,
  maybe,
  outputSizeOf,
  renameParams,
  sampleOf,
  samples,
  sliceAxis,
  stateOf,
  timeAxis,
} from './parts.js'

/**
 * Where the laws run, how close inexact sides must be, and which problems to draw.
 *
 * @category model
 * @since 0.1.0
 */
export interface RnnLawOptions {
  /** Backend and dtype of every tensor (default: the reference backend, float64). */
  readonly place?: RnnPlace
  /** The tolerance of laws whose sides sum in different orders (default 1e-13; see the module header). */
  readonly tolerance?: number
  /** Narrow the generated problems (e.g. `{ modes: ['LSTM'] }` for an LSTM-only layer); each law adds its own. */
  readonly problems?: RnnProblemConstraints
}

/**
 * The laws of {@link rnnLayerLaws}, by name.
 *
 * @category model
 * @since 0.1.0
 */
export interface RnnLayerLaws {
  readonly shapes: PropertyLaw<RnnProblem>
  readonly batchIsSamples: PropertyLaw<RnnProblem>
  readonly paddingIsInert: PropertyLaw<{ readonly problem: RnnProblem; readonly noise: readonly number[] }>
  readonly forwardHalf: PropertyLaw<RnnProblem>
  readonly reverseHalf: PropertyLaw<RnnProblem>
  readonly stacking: PropertyLaw<RnnProblem>
  readonly chunking: PropertyLaw<[RnnProblem, number]>
  readonly lastValidOutput: PropertyLaw<RnnProblem>
}

const run = <C>(layer: RecurrentLayer<C>, k: RnnCall<C>): RnnOutput =>
  layer.run(k.config, k.params, k.x, runOptions(k.h0, k.c0, k.lengths))

const shapeOf = (shape: readonly number[]): string => `[${shape.join(', ')}]`

/**
 * The eight laws of the module header for `layer`, each a {@link PropertyLaw}.
 *
 * @example
 * const laws = rnnLayerLaws({ config, initParams, run }, { place: { backend: cpu, dtype: 'float64' } })
 * test.prop([laws.reverseHalf.arbitrary])(laws.reverseHalf.name, (p) => expect(laws.reverseHalf.check(p)).toBeUndefined())
 * fc.assert(laws.stacking.property(), { numRuns: 200 })
 *
 * @category laws
 * @since 0.1.0
 */
export const rnnLayerLaws = <C>(layer: RecurrentLayer<C>, options: RnnLawOptions = {}): RnnLayerLaws => {
  const place = options.place ?? { backend: reference, dtype: 'float64' }
  const tol = options.tolerance ?? 1e-13
  const base = options.problems ?? {}
  const problems = (fixed: RnnProblemConstraints): fc.Arbitrary<RnnProblem> => rnnProblem({ ...base, ...fixed })
  const setup = (p: RnnProblem): RnnCall<C> => rnnCall(layer, p, place)
  const law = <A>(
    name: string,
    tolerance: number,
    arbitrary: fc.Arbitrary<A>,
    problemOf: (a: A) => RnnProblem,
    check: (a: A) => string | undefined,
  ): PropertyLaw<A> =>
    propertyLaw(name, tolerance, arbitrary, (a) => {
      const failure = check(a)
      return failure === undefined ? undefined : `${name}: fails for ${describeProblem(problemOf(a))}: ${failure}`
    })
  const id = (p: RnnProblem): RnnProblem => p

  const shapes = law('output and state shapes are the documented functions of the config', 0, problems({}), id, (p) => {
    const r = run(layer, setup(p))
    const { bidirectional, numLayers, hiddenSize, batchFirst, mode } = p.config
    const D = bidirectional ? 2 : 1
    const hOut = outputSizeOf(p)
    const L = p.seqLength
    const N = p.batch
    const state = (size: number): readonly number[] => (N === undefined ? [D * numLayers, size] : [D * numLayers, N, size])
    const want = {
      output: N === undefined ? [L, D * hOut] : batchFirst ? [N, L, D * hOut] : [L, N, D * hOut],
      h_n: state(hOut),
      c_n: mode === 'LSTM' ? state(hiddenSize) : undefined,
    }
    const got = { output: r.output.shape, h_n: r.h_n.shape, c_n: r.c_n?.shape }
    for (const key of ['output', 'h_n', 'c_n'] as const) {
      const [g, w] = [got[key], want[key]]
      if (g === undefined || w === undefined) {
        if (g !== w)
          return `${key} is ${g === undefined ? 'absent' : shapeOf(g)}, expected ${w === undefined ? 'absent' : shapeOf(w)}`
      } else if (shapeOf(g) !== shapeOf(w)) return `${key} has shape ${shapeOf(g)}, expected ${shapeOf(w)}`
    }
    const dtypes = [r.output, r.h_n, ...(r.c_n === undefined ? [] : [r.c_n])].map((t) => t.dtype)
    return dtypes.every((d) => d === place.dtype) ? undefined : `dtypes are [${dtypes.join(', ')}], expected ${place.dtype}`
  })

  const batchIsSamples = law(
    'a batch equals its samples run one by one, each truncated to its length',
    tol,
    problems({ batched: true }),
    id,
    (p) => {
      const k = setup(p)
      const r = run(layer, k)
      return firstFailure(
        ...samples(p).map((n) => () => {
          const len = lengthOf(p, n)
          const alone = layer.run(
            k.config,
            k.params,
            sliceAxis(sampleOf(k.x, p, n), 0, 0, len),
            runOptions(
              maybe(k.h0, (h) => stateOf(h, n)),
              maybe(k.c0, (c) => stateOf(c, n)),
            ),
          )
          const mine = sampleOf(r.output, p, n)
          const padded = sliceAxis(mine, 0, len, p.seqLength - len)
          const zeros = fromFlat(new Array<number>(padded.size).fill(0), padded.shape, place)
          return firstFailure(
            () => compare(sliceAxis(mine, 0, 0, len), alone.output, `sample ${n}: output`, tol),
            () => compare(padded, zeros, `sample ${n}: padded output`, 0),
            () =>
              compareStates(
                { h_n: stateOf(r.h_n, n), ...maybeC(maybe(r.c_n, (c) => stateOf(c, n))) },
                alone,
                `sample ${n}:`,
                tol,
              ),
          )
        }),
      )
    },
  )

  const withPadding = problems({ lengths: true }).chain((problem) =>
    rnnData(problem.input.shape).map((noise) => ({ problem, noise: noise.values })),
  )
  const paddingIsInert = law(
    'padding beyond lengths changes nothing',
    0,
    withPadding,
    (a) => a.problem,
    ({ problem: p, noise }) => {
      const k = setup(p)
      const [, B = 0, I = 0] = p.input.shape
      const padded = p.input.values.map((v, i) => {
        const [t, n] = p.config.batchFirst
          ? [Math.floor(i / I) % B, Math.floor(i / (B * I))]
          : [Math.floor(i / (B * I)), Math.floor(i / I) % B]
        return t < (p.lengths?.[n] ?? p.seqLength) ? v : (noise[i] ?? 0)
      })
      const r = run(layer, k)
      const r2 = run(layer, { ...k, x: fromFlat(padded, p.input.shape, place) })
      return firstFailure(
        () => compare(r2.output, r.output, 'output', 0),
        () => compareStates(r2, r, 'final state', 0),
      )
    },
  )

  const bidirectionalProblems = problems({ bidirectional: true, maxLayers: 1, minLayers: 1 })
  const forwardHalf = law(
    "a bidirectional layer's forward half is the unidirectional layer with its forward weights",
    0,
    bidirectionalProblems,
    id,
    (p) => {
      const k = setup(p)
      const r = run(layer, k)
      const hOut = outputSizeOf(p)
      const first = (t: Tensor): Tensor => sliceAxis(t, 0, 0, 1)
      const u = layer.run(
        layer.config({ ...p.config, bidirectional: false }),
        renameParams(k.params, layersFrom(0, 0)),
        k.x,
        runOptions(maybe(k.h0, first), maybe(k.c0, first), k.lengths),
      )
      return firstFailure(
        () => compare(sliceAxis(r.output, r.output.rank - 1, 0, hOut), u.output, 'output', 0),
        () => compareStates({ h_n: first(r.h_n), ...maybeC(maybe(r.c_n, first)) }, u, 'final state', 0),
      )
    },
  )

  const reverseHalf = law(
    "the reverse half is the forward run of each sample's valid steps reversed",
    tol,
    bidirectionalProblems,
    id,
    (p) => {
      const k = setup(p)
      const r = run(layer, k)
      const hOut = outputSizeOf(p)
      const uni = layer.config({ ...p.config, bidirectional: false })
      const reverseParams = renameParams(k.params, layersFrom(0, 1))
      const second = (t: Tensor): Tensor => sliceAxis(t, 0, 1, 1)
      return firstFailure(
        ...samples(p).map((n) => () => {
          const len = lengthOf(p, n)
          const u = layer.run(
            uni,
            reverseParams,
            flip(sliceAxis(sampleOf(k.x, p, n), 0, 0, len), 0),
            runOptions(
              maybe(k.h0, (h) => second(stateOf(h, n))),
              maybe(k.c0, (c) => second(stateOf(c, n))),
            ),
          )
          const half = sliceAxis(sliceAxis(sampleOf(r.output, p, n), 0, 0, len), 1, hOut, hOut)
          return firstFailure(
            () => compare(flip(half, 0), u.output, `sample ${n}: reversed output`, tol),
            () =>
              compareStates(
                { h_n: second(stateOf(r.h_n, n)), ...maybeC(maybe(r.c_n, (c) => second(stateOf(c, n)))) },
                u,
                `sample ${n}:`,
                tol,
              ),
          )
        }),
      )
    },
  )

  const stacking = law(
    'numLayers = k is layer 0 followed by a stack of k − 1 layers',
    0,
    problems({ minLayers: 2, maxLayers: Math.max(2, base.maxLayers ?? 3) }),
    id,
    (p) => {
      const k = setup(p)
      const r = run(layer, k)
      const D = p.config.bidirectional ? 2 : 1
      const rows = p.config.numLayers * D
      const head = (t: Tensor): Tensor => sliceAxis(t, 0, 0, D)
      const tail = (t: Tensor): Tensor => sliceAxis(t, 0, D, rows - D)
      const r1 = layer.run(
        layer.config({ ...p.config, numLayers: 1 }),
        renameParams(k.params, firstLayer),
        k.x,
        runOptions(maybe(k.h0, head), maybe(k.c0, head), k.lengths),
      )
      const r2 = layer.run(
        layer.config({ ...p.config, numLayers: p.config.numLayers - 1, inputSize: D * outputSizeOf(p) }),
        renameParams(k.params, layersFrom(1)),
        r1.output,
        runOptions(maybe(k.h0, tail), maybe(k.c0, tail), k.lengths),
      )
      const c_n = r1.c_n === undefined || r2.c_n === undefined ? undefined : concat([r1.c_n, r2.c_n], 0)
      return firstFailure(
        () => compare(r.output, r2.output, 'output', 0),
        () => compareStates(r, { h_n: concat([r1.h_n, r2.h_n], 0), ...maybeC(c_n) }, 'final state', 0),
      )
    },
  )

  const chunked = fc.tuple(problems({ bidirectional: false, lengths: false, minSeqLength: 2 }), fc.nat())
  const chunking = law(
    'two chunks threading the state equal one pass',
    tol,
    chunked,
    ([p]) => p,
    ([p, split]) => {
      const k = setup(p)
      const r = run(layer, k)
      const s = 1 + (split % (p.seqLength - 1))
      const axis = timeAxis(p)
      const a = layer.run(k.config, k.params, sliceAxis(k.x, axis, 0, s), runOptions(k.h0, k.c0))
      const b = layer.run(k.config, k.params, sliceAxis(k.x, axis, s, p.seqLength - s), runOptions(a.h_n, a.c_n))
      return firstFailure(
        () => compare(concat([a.output, b.output], axis), r.output, `output (split at ${s})`, tol),
        () => compareStates(b, r, `final state (split at ${s})`, tol),
      )
    },
  )

  const lastValidOutput = law(
    "h_n is the last layer's last valid output: forward at len − 1, reverse at 0",
    0,
    problems({}),
    id,
    (p) => {
      const r = run(layer, setup(p))
      const D = p.config.bidirectional ? 2 : 1
      const hOut = outputSizeOf(p)
      const last = (p.config.numLayers - 1) * D
      return firstFailure(
        ...samples(p).map((n) => () => {
          const out = sampleOf(r.output, p, n)
          const h = stateOf(r.h_n, n)
          return firstFailure(
            () => compare(sliceAxis(index(out, lengthOf(p, n) - 1, 0), 0, 0, hOut), index(h, last, 0), `sample ${n}: forward`, 0),
            () =>
              D === 2
                ? compare(sliceAxis(index(out, 0, 0), 0, hOut, hOut), index(h, last + 1, 0), `sample ${n}: reverse`, 0)
                : undefined,
          )
        }),
      )
    },
  )

  return { shapes, batchIsSamples, paddingIsInert, forwardHalf, reverseHalf, stacking, chunking, lastValidOutput }
}

/** `{ c_n }` when present, else `{}` (so that `c_n` is absent rather than `undefined`). */
const maybeC = (c_n: Tensor | undefined): { readonly c_n?: Tensor } => (c_n === undefined ? {} : { c_n })
