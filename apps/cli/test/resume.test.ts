/**
 * Resuming is exact: a run stopped after an epoch, or in the middle of one (`--max-steps`), and
 * continued with `--resume` ends with a checkpoint byte for byte equal to training straight
 * through — parameters, optimizer state, carried state and metadata — on the names data (shuffled
 * batches) and on Brown text (truncated BPTT with the stream state carried in the checkpoint).
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readSafetensors } from '@recur/models'
import { describe, expect, it } from 'vitest'
import { runRecur } from './runRecur.js'

/** `recur ...args`, which must succeed; its standard output. */
const recur = (...args: string[]) => {
  const r = runRecur(...args)
  expect(r.code, r.err).toBe(0)
  return r.out
}
const checkpoint = (dir: string) => readFileSync(join(dir, 'checkpoint.safetensors'))

describe('recur train --resume', () => {
  it('names: after an epoch and mid-epoch, equal to straight through', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recur-resume-'))
    const model = ['--hidden', '8', '--embed', '4', '--batch', '1024', '--samples', '0']
    recur('train', ...model, '--epochs', '2', '--out', join(dir, 'straight'))
    recur('train', ...model, '--epochs', '1', '--out', join(dir, 'epoch'))
    recur('train', '--resume', join(dir, 'epoch', 'checkpoint.safetensors'), '--epochs', '2', '--samples', '0')
    const stopped = recur('train', ...model, '--epochs', '2', '--max-steps', '3', '--out', join(dir, 'mid'))
    expect(stopped).toContain('stopped after 3 steps (--max-steps) at step 3; resume with: recur train --resume')
    recur('train', '--resume', join(dir, 'mid', 'checkpoint.safetensors'), '--epochs', '2', '--samples', '0')
    const straight = checkpoint(join(dir, 'straight'))
    expect(checkpoint(join(dir, 'epoch')).equals(straight)).toBe(true)
    expect(checkpoint(join(dir, 'mid')).equals(straight)).toBe(true)
    // and a different seed really gives different bytes (the comparison can fail)
    recur('train', ...model, '--epochs', '2', '--seed', '1', '--out', join(dir, 'other'))
    expect(checkpoint(join(dir, 'other')).equals(straight)).toBe(false)
  }, 180_000)

  it('brown (truncated BPTT): mid-epoch with the carried stream state, equal to straight through', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recur-resume-'))
    const model = ['--dataset', 'brown', '--max-chars', '12000', '--hidden', '8', '--embed', '4', '--batch', '8', '--bptt', '32']
    recur('train', ...model, '--epochs', '2', '--samples', '0', '--out', join(dir, 'straight'))
    recur('train', ...model, '--epochs', '2', '--samples', '0', '--max-steps', '30', '--out', join(dir, 'mid'))
    const out = recur('train', '--resume', join(dir, 'mid', 'checkpoint.safetensors'), '--epochs', '2', '--samples', '2')
    expect(out).toMatch(/validation \d\.\d{3} bits per character after 2 epochs/)
    expect(out).toMatch(/sampled lines \(temperature 0\.8\): /)
    expect(checkpoint(join(dir, 'mid')).equals(checkpoint(join(dir, 'straight')))).toBe(true)
  }, 120_000)

  it('cpu-fast: resumes exactly too, and its numbers are its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recur-resume-'))
    const model = ['--hidden', '8', '--embed', '4', '--batch', '2048', '--samples', '0']
    recur('train', ...model, '--backend', 'cpu-fast', '--epochs', '2', '--out', join(dir, 'straight'))
    recur('train', ...model, '--backend', 'cpu-fast', '--epochs', '1', '--out', join(dir, 'resumed'))
    const out = recur('train', '--resume', join(dir, 'resumed', 'checkpoint.safetensors'), '--epochs', '2', '--samples', '0')
    expect(out).toMatch(/validation \d\.\d{3} bits per character after 2 epochs/)
    expect(checkpoint(join(dir, 'resumed')).equals(checkpoint(join(dir, 'straight')))).toBe(true)
    // the same run on cpu ends with other weights (float32 products summed another way), not just other metadata
    recur('train', ...model, '--epochs', '2', '--out', join(dir, 'cpu'))
    const weights = (d: string) => {
      const r = readSafetensors(checkpoint(d))
      if (r._tag === 'Left') throw new Error(r.left)
      return Array.from(r.right.tensors['params.rnn.weight_hh_l0']?.data ?? [])
    }
    const [fast, exact] = [weights(join(dir, 'straight')), weights(join(dir, 'cpu'))]
    expect(fast).toHaveLength(exact.length)
    expect(fast).not.toEqual(exact)
    expect(Math.max(...fast.map((v, i) => Math.abs(v - (exact[i] ?? 0))))).toBeLessThan(1e-4)
  }, 120_000)

  it('refuses flags that the checkpoint fixes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recur-resume-'))
    recur('train', '--hidden', '8', '--embed', '4', '--batch', '2048', '--epochs', '1', '--samples', '0', '--out', dir)
    const r = runRecur('train', '--resume', join(dir, 'checkpoint.safetensors'), '--lr=0.1')
    expect(r.code).toBe(1)
    expect(r.err).toBe(
      'recur train: --lr cannot be combined with --resume: the checkpoint fixes the model, data, optimizer and seed',
    )
    expect(runRecur('train', '--resume', join(dir, 'checkpoint.safetensors'), '--backend', 'cpu-fast').err).toBe(
      'recur train: --backend cannot be combined with --resume: the checkpoint fixes the model, data, optimizer and seed',
    )
    const missing = runRecur('train', '--resume', join(dir, 'nope.safetensors'))
    expect(missing.code).toBe(1)
    expect(missing.err).toBe(`recur train: cannot read checkpoint ${join(dir, 'nope.safetensors')} (check the --resume path)`)
  })
})
