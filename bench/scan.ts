/** scan: privacy:scan on the full data set against the same schema with a tenth of the data. */
import {join} from 'node:path'

import type {BenchContext, ScenarioResult} from './context.js'
import {cachedFixture} from './fixture.js'
import {createDatabase, megabytes, median, repeat, tool} from './support.js'

export async function scan(ctx: BenchContext, rebuild: boolean): Promise<ScenarioResult> {
  const f = ctx.settings.fixture
  const tenth = await cachedFixture(
    ctx.server,
    `${ctx.scale}_tenth`,
    {
      users: Math.max(500, Math.floor(f.users / 10)),
      heavyEventsPerSubject: Math.floor(f.heavyEventsPerSubject / 10),
      parentHeavyDocuments: Math.floor(f.parentHeavyDocuments / 10),
    },
    rebuild,
  )
  const smallUrl = await createDatabase(ctx.server, 'bench_scan_small', tenth.template)
  const scanTime = (url: string) => repeat(ctx.settings.repeats, async () => tool(['privacy:scan', '--database-url', url, '--out', join(ctx.work, 'scan.yml')]))
  const small = await scanTime(smallUrl)
  const full = await scanTime(ctx.baseUrl)
  const ratio = median(full.map(s => s.seconds)) / median(small.map(s => s.seconds))
  const rss = Math.max(...full.map(s => s.rss ?? 0))
  return {
    result: {tenthOfData: small.map(s => ({seconds: s.seconds, rss: s.rss})), fullData: full.map(s => ({seconds: s.seconds, rss: s.rss})), ratio},
    rows: [
      [
        'scan',
        `${median(full.map(s => s.seconds)).toFixed(2)} s`,
        `same scan on a tenth of the data: ${median(small.map(s => s.seconds)).toFixed(2)} s`,
        `${ratio.toFixed(2)}× the time for 10× the data`,
        megabytes(rss),
      ],
    ],
    curve: [{series: 'scan', seconds: median(full.map(s => s.seconds)), rssBytes: rss}],
  }
}
