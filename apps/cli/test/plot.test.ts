import { describe, expect, it } from 'vitest'
import { svgChart } from '../src/plot.js'

describe('plot', () => {
  it('draws every series with a legend, escaping text', () => {
    const svg = svgChart('a < b', 'step', 'bpc', [
      {
        name: 'train',
        color: '#111',
        points: [
          [0, 4],
          [10, 3],
        ],
      },
      {
        name: 'baseline',
        color: '#222',
        points: [
          [0, 3.5],
          [10, 3.5],
        ],
        dashed: true,
      },
    ])
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg).toContain('a &lt; b')
    expect(svg.match(/<path /g)).toHaveLength(2)
    expect(svg).toContain('stroke-dasharray')
    expect(svg.trim().endsWith('</svg>')).toBe(true)
    expect(svg).not.toContain('<circle')
    const marked = svgChart('t', 'x', 'y', [
      {
        name: 'validation',
        color: '#d62728',
        points: [
          [1, 3],
          [2, 2.9],
          [3, 2.8],
        ],
        markers: true,
      },
    ])
    expect(marked.match(/<circle /g)).toHaveLength(3)
  })
})
