import type pg from 'pg'

/**
 * The rows an event touched are stored beside the chain (heroku_privacy.event_rows),
 * and the event carries their count and a digest: sha256 over the distinct
 * `table TAB pk NEWLINE` lines in bytewise order. Both sides compute it in
 * SQL, so writing and verifying cannot disagree.
 */
export function rowsDigestSql(line: string): string {
  return `encode(sha256(convert_to(coalesce(string_agg(${line}, '' ORDER BY ${line} COLLATE "C"), ''), 'UTF8')), 'hex')`
}

const LINE = `table_name || E'\\t' || pk || E'\\n'`

/**
 * The first event whose stored rows no longer match the count and digest it
 * carries, or rows stored for an event the chain does not have; null when
 * every event's rows are as recorded.
 */
export async function firstTamperedRows(pool: pg.Pool): Promise<{seq: number; reason: string} | null> {
  const {rows} = await pool.query<{seq: string; recorded: boolean}>(`
    WITH stored AS (SELECT seq, count(*) AS n, ${rowsDigestSql(LINE)} AS digest FROM heroku_privacy.event_rows GROUP BY seq),
         recorded AS (SELECT seq, (details->>'row_count')::bigint AS n, details->>'rows_digest' AS digest
                      FROM heroku_privacy.events WHERE details ? 'rows_digest')
    SELECT coalesce(r.seq, s.seq) AS seq, r.seq IS NOT NULL AS recorded
    FROM recorded r FULL JOIN stored s ON s.seq = r.seq
    WHERE r.seq IS NULL OR coalesce(s.n, 0) <> r.n OR coalesce(s.digest, encode(sha256(''::bytea), 'hex')) <> r.digest
    ORDER BY 1 LIMIT 1`)
  const first = rows[0]
  if (!first) return null
  return {
    seq: Number(first.seq),
    reason: first.recorded
      ? 'the rows stored for it no longer match the count and digest it recorded (rows were added, removed or changed)'
      : 'rows are stored for it, but no event with its number records rows',
  }
}
