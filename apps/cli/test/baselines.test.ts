import { describe, expect, it } from 'vitest'
import { baselines } from '../src/baselines.js'
import { loadNames } from '../src/datasets/names.js'

describe('names data and baselines', () => {
  it('has the fixed split of the issue: 8,422 names, 843 validation, 7,579 train', () => {
    const { train, validation } = loadNames()
    expect([train.length + validation.length, validation.length, train.length]).toEqual([8422, 843, 7579])
    expect(validation[0]).toBe([...train, ...validation].sort()[0])
    expect(train.every((n) => n === n.toLowerCase())).toBe(true)
  })
  it('gives unigram and bigram bits per character near the PyTorch reference run (4.11, 3.52)', () => {
    const { train, validation } = loadNames()
    const b = baselines(train, validation)
    expect(b.unigram).toBeGreaterThan(4.0)
    expect(b.unigram).toBeLessThan(4.2)
    expect(b.bigram).toBeGreaterThan(3.4)
    expect(b.bigram).toBeLessThan(3.6)
  })
  it('computes exact values on a toy corpus', () => {
    // train "ab": symbols a, b, END; alphabet {END, a, b}; unigram p(a) = (1+1)/(3+3)
    const b = baselines(['ab'], ['a'])
    expect(b.unigram).toBeCloseTo((-Math.log2(2 / 6) - Math.log2(2 / 6)) / 2, 12)
  })
})
