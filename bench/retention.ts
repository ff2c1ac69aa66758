/**
 * retention: privacy:retention:run deleting support tickets closed more than
 * two years ago, in keyset batches with the ledger, against one plain DELETE
 * of the same rows by psql (rolled back, so the tool then finds them).
 */
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import type {BenchContext, ScenarioResult} from './context.js'
import {count, megabytes, run, time, tool} from './support.js'

export async function retention(ctx: BenchContext, url: string, database: string): Promise<ScenarioResult> {
  const map = join(ctx.work, 'retention.yml')
  const text = (await readFile(ctx.map, 'utf8')).replace(
    /(  public\.support_tickets:\n)/,
    '$1    retention: { column: closed_at, after: 2 years, action: delete }\n',
  )
  if (!text.includes('retention:')) throw new Error('the map has no public.support_tickets to give a retention rule')
  await writeFile(map, text)
  const baseline = await time(() =>
    run(ctx.clientBin('psql'), ['-X', '-q', '-d', url, '-c', "BEGIN; DELETE FROM support_tickets WHERE closed_at < now() - interval '2 years'; ROLLBACK;"]),
  )
  const measured = await tool(['privacy:retention:run', '--database-url', url, '--map', map, '--confirm', database, '--batch-size', '5000', '--json'])
  const rows = (JSON.parse(measured.stdout) as {tables: Array<{rows: number}>}).tables.reduce((sum, t) => sum + t.rows, 0)
  return {
    result: {rows, seconds: measured.seconds, rss: measured.rss, plainDeleteSeconds: baseline.seconds},
    rows: [
      [
        'retention',
        `${count(rows)} rows deleted in ${measured.seconds.toFixed(2)} s (${count(rows / measured.seconds)} rows/s, batches of 5,000 with the ledger)`,
        `one plain DELETE: ${baseline.seconds.toFixed(2)} s`,
        `${(measured.seconds / baseline.seconds).toFixed(1)}× the plain DELETE`,
        megabytes(measured.rss ?? 0),
      ],
    ],
    curve: [{series: 'retention', seconds: measured.seconds, rssBytes: measured.rss ?? 0}],
  }
}
