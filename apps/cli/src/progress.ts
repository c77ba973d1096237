/**
 * A progress line for training: step, epoch, loss, validation bits per character, tokens per
 * second and the time left. On a terminal it redraws one line; otherwise (logs, CI) it prints a line
 * every few seconds.
 */

/** Formats seconds as m:ss or h:mm:ss. */
export const clock = (seconds: number): string => {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--'
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h > 0 ? 2 : 1, '0')
  const ss = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`
}

/** What the line shows. */
export type ProgressState = {
  readonly step: number
  readonly steps: number
  readonly epoch: number
  readonly epochs: number
  readonly loss: number
  readonly valBpc: number | undefined
  readonly tokensPerSecond: number
  readonly elapsed: number
}

/** The text of a progress line, with a bar. */
export const progressLine = (s: ProgressState): string => {
  const width = 24
  const filled = Math.round((width * s.step) / Math.max(1, s.steps))
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`
  const eta = s.step > 0 ? (s.elapsed / s.step) * (s.steps - s.step) : Number.NaN
  const val = s.valBpc === undefined ? '   —  ' : s.valBpc.toFixed(3)
  return `${bar} step ${s.step}/${s.steps} epoch ${s.epoch}/${s.epochs} loss ${s.loss.toFixed(3)} bpc | val bpc ${val} | ${Math.round(s.tokensPerSecond)} tok/s | ETA ${clock(eta)}`
}

/** A reporter that redraws on a TTY and prints at most every `everySeconds` elsewhere. */
export const reporter = (stream: NodeJS.WriteStream, everySeconds = 5) => {
  let last = 0
  return {
    update(s: ProgressState, force = false): void {
      const now = performance.now() / 1000
      if (stream.isTTY) stream.write(`\r${progressLine(s)}\x1b[K`)
      else if (force || now - last >= everySeconds) {
        stream.write(`${progressLine(s)}\n`)
        last = now
      }
    },
    done(): void {
      if (stream.isTTY) stream.write('\n')
    },
  }
}
