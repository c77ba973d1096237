/**
 * Time of the orthogonal initialiser (blocked Householder QR on the cpu matmul) for square
 * matrices: `npx -y pnpm@10.34.9 bench:orthogonal`. Median of 3 after one warm-up.
 */
import { cpu } from '@recur/backend-cpu'
import { Random } from '@recur/core'
import { orthogonal } from '../src/index.js'

for (const n of [128, 256, 512, 1024]) {
  orthogonal(Random.key(0), [n, n], 1, { backend: cpu })
  const times = [1, 2, 3].map((s) => {
    const t0 = performance.now()
    orthogonal(Random.key(s), [n, n], 1, { backend: cpu })
    return performance.now() - t0
  })
  const median = [...times].sort((a, b) => a - b)[1] ?? 0
  const gflops = ((8 / 3) * n ** 3) / (median * 1e6) // geqrf (4/3 n³) + orgqr (4/3 n³)
  process.stdout.write(`orthogonal ${n}×${n}: ${median.toFixed(1)} ms (${gflops.toFixed(2)} GFLOP/s)\n`)
}
