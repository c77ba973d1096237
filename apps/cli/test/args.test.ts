import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { type Flags, parse, usage } from '../src/args.js'

const flags = {
  hidden: { kind: 'number', default: 128, integer: true, min: 1, help: 'hidden size' },
  lr: { kind: 'number', default: 0.003, min: 0, help: 'learning rate' },
  cell: { kind: 'choice', default: 'LSTM', choices: ['LSTM', 'GRU'], help: 'cell' },
  out: { kind: 'string', default: 'runs', help: 'output directory' },
} as const satisfies Flags

describe('flags', () => {
  it('parses defaults, --name value and --name=value', () => {
    expect(parse('train', flags, [])).toEqual(E.right({ hidden: 128, lr: 0.003, cell: 'LSTM', out: 'runs' }))
    expect(parse('train', flags, ['--hidden', '64', '--lr=1e-2', '--cell', 'GRU'])).toEqual(
      E.right({ hidden: 64, lr: 0.01, cell: 'GRU', out: 'runs' }),
    )
  })
  it('rejects unknown flags, bad values and missing values with one line naming the flag', () => {
    expect(parse('train', flags, ['--hiden', '64'])).toEqual(E.left('recur train: unknown flag --hiden (see recur train --help)'))
    expect(parse('train', flags, ['--hidden', '6.5'])).toEqual(E.left("recur train: --hidden must be an integer, got '6.5'"))
    expect(parse('train', flags, ['--hidden', 'big'])).toEqual(E.left("recur train: --hidden must be a number, got 'big'"))
    expect(parse('train', flags, ['--hidden', '0'])).toEqual(E.left("recur train: --hidden must be at least 1, got '0'"))
    expect(parse('train', flags, ['--cell', 'lstm'])).toEqual(E.left("recur train: --cell must be one of LSTM, GRU, got 'lstm'"))
    expect(parse('train', flags, ['--out'])).toEqual(E.left('recur train: --out needs a value'))
    expect(parse('train', flags, ['64'])).toEqual(E.left("recur train: unexpected argument '64' (flags look like --name value)"))
  })
  it('prints help with every flag and its default', () => {
    const text = usage('train', 'Train.', flags)
    expect(text).toContain('--hidden           hidden size; (default 128)')
    expect(text).toContain('one of LSTM, GRU')
  })
})
