// Loaded with --import into a measured process: writes its peak resident memory (bytes) where the bench asks, as it exits.
import {writeFileSync} from 'node:fs'

const file = process.env.PRIVACY_BENCH_RSS_FILE
if (file) {
  delete process.env.PRIVACY_BENCH_RSS_FILE
  process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)))
}
