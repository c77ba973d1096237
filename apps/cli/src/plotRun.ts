/**
 * The plot of a training run (train loss as a moving average, validation points, the baselines),
 * and the points of an earlier run read back from its metrics file when a run resumes.
 */
import { svgChart } from './plot.js'

/** `[step, bits per character]` points. */
export type Points = [number, number][]

/** The SVG plot of a run on a task. */
export const plotOf = (
  task: { readonly dataset: string; readonly baselines: { readonly unigram: number; readonly bigram: number } },
  losses: Points,
  vals: Points,
): string => {
  const base = task.baselines
  const window = 20
  const smooth = losses.map(([s], i) => {
    const from = Math.max(0, i - window + 1)
    const slice = losses.slice(from, i + 1)
    return [s, slice.reduce((a, [, v]) => a + v, 0) / slice.length] as [number, number]
  })
  const last = losses.at(-1)?.[0] ?? 1
  const flat = (v: number): Points => [
    [0, v],
    [last, v],
  ]
  return svgChart(`recur: character language model on ${task.dataset}`, 'step', 'bits per character', [
    { name: 'train (moving avg)', color: '#1f77b4', points: smooth },
    { name: 'validation', color: '#d62728', points: vals, markers: true },
    { name: `unigram ${base.unigram.toFixed(2)}`, color: '#7f7f7f', points: flat(base.unigram), dashed: true },
    { name: `bigram ${base.bigram.toFixed(2)}`, color: '#bcbd22', points: flat(base.bigram), dashed: true },
  ])
}

/**
 * The records of an earlier run's metrics (JSONL) up to and including `step` — the lines to keep
 * and the plot points they hold. Lines that are not records of this kind are dropped.
 */
export const previousPoints = (text: string, step: number): { lines: string[]; losses: Points; vals: Points } => {
  const lines: string[] = []
  const losses: Points = []
  const vals: Points = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    let r: unknown
    try {
      r = JSON.parse(line)
    } catch {
      continue
    }
    if (typeof r !== 'object' || r === null || !('step' in r) || typeof r.step !== 'number' || r.step > step) continue
    lines.push(`${line}\n`)
    if ('kind' in r && r.kind === 'step' && 'loss_bpc' in r && typeof r.loss_bpc === 'number') losses.push([r.step, r.loss_bpc])
    if ('kind' in r && r.kind === 'epoch' && 'val_bpc' in r && typeof r.val_bpc === 'number') vals.push([r.step, r.val_bpc])
  }
  return { lines, losses, vals }
}
