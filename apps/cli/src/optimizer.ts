/**
 * The optimizer a run names: one of the CLI's choices, with global-norm clipping in front when
 * `clip` > 0.
 */
import { adam, adamw, chain, clipByGlobalNorm, momentum, rmsprop, sgd, type Transform } from '@recur/models'
import type { Meta } from './model.js'

/** The transform of `spec`. */
export const optimizerOf = (spec: Meta['optimizer']): Transform => {
  const { name, lr, clip } = spec
  const base =
    name === 'adam'
      ? adam(lr)
      : name === 'adamw'
        ? adamw(lr)
        : name === 'sgd'
          ? sgd(lr)
          : name === 'momentum'
            ? momentum(lr, 0.9)
            : rmsprop(lr)
  return clip > 0 ? chain(clipByGlobalNorm(clip), base) : base
}
