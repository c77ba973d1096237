import { describe, expect, it } from 'vitest'
import { loadBrown } from '../src/datasets/brown.js'

describe('the Brown corpus loader', () => {
  const all = loadBrown(0)
  it('splits the 500 files 450 / 50 and strips the tags, keeping them per sentence', () => {
    expect([all.train.files, all.validation.files]).toEqual([450, 50])
    expect(all.train.text.length).toBeGreaterThan(5_000_000)
    expect(all.validation.text.length).toBeGreaterThan(500_000)
    expect(all.train.text).not.toMatch(/\/(at|nn|vbd|np-tl)\b/) // no tags left in the text
    const first = all.train.sentences[0]
    expect(first?.words.length).toBe(first?.tags.length)
    expect(all.train.text.split('\n')).toHaveLength(all.train.sentences.length)
    // ca01 (position 0) is validation; its first sentence is the corpus's famous first line
    expect(all.validation.text.startsWith('The Fulton County Grand Jury said Friday')).toBe(true)
    expect(all.validation.sentences[0]?.tags.slice(0, 3)).toEqual(['at', 'np-tl', 'nn-tl'])
  })
  it('caps the characters: train at maxChars, validation at a tenth', () => {
    const small = loadBrown(10_000)
    expect(small.train.text).toBe(all.train.text.slice(0, 10_000))
    expect(small.validation.text).toBe(all.validation.text.slice(0, 1_000))
  })
})
