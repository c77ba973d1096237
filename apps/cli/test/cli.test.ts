/**
 * The `recur` command end to end, as a user runs it (from source, through tsx): help, bad input
 * (one line, non-zero exit, nothing half-written), and a short real training run followed by
 * `sample` and `evaluate` on its checkpoint.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runRecur as recur } from './runRecur.js'

describe('recur command line', () => {
  it('has --help on every command', () => {
    expect(recur('--help').out).toContain('commands:')
    for (const c of ['train', 'sample', 'evaluate']) {
      const r = recur(c, '--help')
      expect(r.code).toBe(0)
      expect(r.out).toContain(`usage: recur ${c} [flags]`)
    }
  })

  it('rejects bad input with one line and a non-zero exit', () => {
    expect(recur('fly')).toMatchObject({ code: 2, err: "recur: unknown command 'fly' (commands: train, sample, evaluate)" })
    expect(recur('train', '--hiden', '8')).toMatchObject({
      code: 1,
      err: 'recur train: unknown flag --hiden (see recur train --help)',
    })
    const missing = recur('sample', '--checkpoint', '/nonexistent/ck.safetensors')
    expect(missing).toMatchObject({
      code: 1,
      err: 'recur sample: cannot read checkpoint /nonexistent/ck.safetensors (run recur train first, or pass --checkpoint)',
    })
    const dir = mkdtempSync(join(tmpdir(), 'recur-cli-'))
    writeFileSync(join(dir, 'bad.safetensors'), 'definitely not a checkpoint')
    const corrupt = recur('evaluate', '--checkpoint', join(dir, 'bad.safetensors'))
    expect(corrupt.code).toBe(1)
    expect(corrupt.err).toMatch(
      /^recur evaluate: .*bad\.safetensors: safetensors: the header claims \d+ bytes but only \d+ follow/,
    )
    expect(corrupt.err.split('\n')).toHaveLength(1)
    writeFileSync(join(dir, 'file'), 'x')
    const unwritable = recur('train', '--out', join(dir, 'file', 'run'))
    expect(unwritable.code).toBe(1)
    expect(unwritable.err).toMatch(/^recur train: /)
    expect(existsSync(join(dir, 'file', 'run'))).toBe(false)
    const nan = recur('train', '--lr', '1e38', '--epochs', '1', '--hidden', '8', '--embed', '4', '--out', join(dir, 'nan'))
    expect(nan.code).toBe(1)
    expect(nan.err.split('\n').at(-1)).toMatch(
      /^recur train: the loss became NaN at step \d+ \(try a smaller --lr or --clip\); no checkpoint was written$/,
    )
    expect(existsSync(join(dir, 'nan', 'checkpoint.safetensors'))).toBe(false)
  })

  it('trains a small model, writes metrics, plot and checkpoint, then samples and evaluates it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recur-cli-'))
    const r = recur('train', '--epochs', '1', '--hidden', '16', '--embed', '8', '--batch', '64', '--samples', '3', '--out', dir)
    expect(r.code, r.err).toBe(0)
    expect(r.out).toMatch(/validation \d\.\d{3} bits per character after 1 epochs/)
    expect(r.out).toMatch(/sampled names \(temperature 0\.8\): [a-z-]+, [a-z-]+, [a-z-]+/)
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    const epoch = lines.find((l) => l.kind === 'epoch')
    expect(epoch.val_bpc).toBeLessThan(4.11) // below the unigram baseline after one epoch
    expect(readFileSync(join(dir, 'plot.svg'), 'utf8')).toContain('<svg')
    const ck = join(dir, 'checkpoint.safetensors')
    const s = recur('sample', '--checkpoint', ck, '--count', '4', '--prefix', 'ma', '--top-k', '5')
    expect(s.code, s.err).toBe(0)
    const names = s.out.trim().split('\n')
    expect(names).toHaveLength(4)
    expect(names.every((n) => n.startsWith('ma'))).toBe(true)
    const e = recur('evaluate', '--checkpoint', ck)
    expect(e.code, e.err).toBe(0)
    expect(e.out).toContain(`validation ${epoch.val_bpc.toFixed(4)} bits per character`)
  }, 120_000)
})
