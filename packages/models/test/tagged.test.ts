import { describe, expect, it } from 'vitest'
import { parseTagged, untagged } from '../src/index.js'

describe('tagged text (Brown corpus format)', () => {
  const text = "\n\n\tThe/at jury/nn said/vbd ``/`` no/at ''/'' ./.\n\n\tAtlanta's/np$ 1/2/cd vote/nn\n"
  it('keeps words and tags per sentence, splitting at the last slash', () => {
    const s = parseTagged(text)
    expect(s).toEqual([
      { words: ['The', 'jury', 'said', '``', 'no', "''", '.'], tags: ['at', 'nn', 'vbd', '``', 'at', "''", '.'] },
      { words: ["Atlanta's", '1/2', 'vote'], tags: ['np$', 'cd', 'nn'] },
    ])
    expect(s.map(untagged)).toEqual(['The jury said " no " .', "Atlanta's 1/2 vote"])
  })
  it('names the line and token of a malformed token', () => {
    expect(() => parseTagged('a/b\nfine/jj broken', 'ca01')).toThrow("ca01:2: token 'broken' is not word/tag")
    expect(() => parseTagged('word/', 'x')).toThrow("x:1: token 'word/' is not word/tag")
  })
})
