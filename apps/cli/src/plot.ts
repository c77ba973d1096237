/**
 * A small, dependency-free SVG line chart: training loss (bits per character) per step and
 * validation bits per character per epoch, on one axis, with a legend and the baselines as dashed
 * lines. Opens in any browser.
 */

/** A named series of (x, y) points. */
export type Series = {
  readonly name: string
  readonly color: string
  readonly points: readonly (readonly [number, number])[]
  readonly dashed?: boolean
  /** Draw a dot at every point (for sparse series such as per-epoch validation). */
  readonly markers?: boolean
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

/** The SVG text of a chart of `series`. */
export const svgChart = (title: string, xLabel: string, yLabel: string, series: readonly Series[]): string => {
  const W = 720
  const H = 420
  const m = { left: 64, right: 180, top: 40, bottom: 52 }
  const pts = series.flatMap((s) => s.points)
  const xs = pts.map(([x]) => x)
  const ys = pts.map(([, y]) => y)
  const [x0, x1] = [Math.min(0, ...xs), Math.max(1, ...xs)]
  const [y0, y1] = [Math.min(...ys, Number.POSITIVE_INFINITY), Math.max(...ys, Number.NEGATIVE_INFINITY)]
  const lo = Number.isFinite(y0) ? Math.floor(y0 * 2) / 2 : 0
  const hi = Number.isFinite(y1) ? Math.ceil(y1 * 2) / 2 : 1
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0 || 1)) * (W - m.left - m.right)
  const sy = (y: number) => H - m.bottom - ((y - lo) / (hi - lo || 1)) * (H - m.top - m.bottom)
  const ticks = Array.from({ length: 6 }, (_, i) => lo + ((hi - lo) * i) / 5)
  const xticks = Array.from({ length: 6 }, (_, i) => x0 + ((x1 - x0) * i) / 5)
  const lines = series.map((s) => {
    const d = s.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')
    const dots =
      s.markers === true
        ? s.points
            .map(([x, y]) => `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3.5" fill="${s.color}"/>`)
            .join('')
        : ''
    return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"${s.dashed === true ? ' stroke-dasharray="6 4"' : ''}/>${dots}`
  })
  const legend = series.map(
    (s, i) =>
      `<g transform="translate(${W - m.right + 16},${m.top + 18 * i})"><line x1="0" y1="0" x2="22" y2="0" stroke="${s.color}" stroke-width="2"${s.dashed === true ? ' stroke-dasharray="6 4"' : ''}/><text x="28" y="4" font-size="12">${esc(s.name)}</text></g>`,
  )
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - m.right / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
    ...ticks.map(
      (t) =>
        `<line x1="${m.left}" x2="${W - m.right}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e5e5e5"/><text x="${m.left - 8}" y="${sy(t) + 4}" text-anchor="end" font-size="11">${t.toFixed(2)}</text>`,
    ),
    ...xticks.map(
      (t) => `<text x="${sx(t)}" y="${H - m.bottom + 18}" text-anchor="middle" font-size="11">${Math.round(t)}</text>`,
    ),
    `<line x1="${m.left}" x2="${W - m.right}" y1="${H - m.bottom}" y2="${H - m.bottom}" stroke="#333"/>`,
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${H - m.bottom}" stroke="#333"/>`,
    `<text x="${(m.left + W - m.right) / 2}" y="${H - 12}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`,
    `<text transform="translate(18,${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>`,
    ...lines,
    ...legend,
    '</svg>',
  ].join('\n')
}
