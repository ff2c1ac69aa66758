import type pg from 'pg'

/**
 * The rows an event touched are stored beside the chain (heroku_privacy.event_rows),
 * and the event carries their count and a digest of the distinct
 * `table TAB pk NEWLINE` lines in bytewise order. Events that record
 * `rows_digest_run_lines` hash the lines in runs of that many lines, each run on
 * its own, and then the runs' hex digests together in order, so no value
 * Postgres builds grows with the event (a value stops at 1 GB); earlier
 * events hashed all their lines as one text. Both sides compute the digest
 * in SQL, so writing and verifying cannot disagree.
 */

/** Lines hashed together in one run of an event's digest: a few MB of text. */
export const DIGEST_RUN_LINES = 65536

const EMPTY_DIGEST = `encode(sha256(''::bytea), 'hex')`
const hashText = (text: string) => `encode(sha256(convert_to(${text}, 'UTF8')), 'hex')`
const BYTEWISE = `line COLLATE "C"`

/**
 * SQL listing `seq`, `n` and `digest` for each seq of `lines`, a relation of
 * (seq, line, run_lines): the digest of its lines cut into runs of
 * `run_lines`.
 */
export function runDigestsSql(lines: string): string {
  // Lines are numbered once in bytewise order; a run's text is put together in that order by number, a cheaper sort than by text.
  return `SELECT seq, sum(n)::bigint AS n, ${hashText(`string_agg(d, '' ORDER BY run)`)} AS digest
    FROM (SELECT seq, run, count(*) AS n, ${hashText(`string_agg(line, '' ORDER BY i)`)} AS d
          FROM (SELECT seq, line, i, (i - 1) / greatest(run_lines, 1) AS run
                FROM (SELECT seq, line, run_lines, row_number() OVER (PARTITION BY seq ORDER BY ${BYTEWISE}) AS i FROM ${lines} AS l) ordered) numbered
          GROUP BY seq, run) runs
    GROUP BY seq`
}

/** The digest of events recorded before runs, as SQL over the group's `line`s. */
const wholeDigestSql = hashText(`coalesce(string_agg(line, '' ORDER BY ${BYTEWISE}), '')`)

const LINE = `table_name || E'\\t' || pk || E'\\n'`

/**
 * The first event whose stored rows no longer match the count and digest it
 * carries, or rows stored for an event the chain does not have; null when
 * every event's rows are as recorded.
 */
export async function firstTamperedRows(pool: pg.Pool): Promise<{seq: number; reason: string} | null> {
  const {rows} = await pool.query<{seq: string; recorded: boolean}>(`
    WITH recorded AS (SELECT seq, (details->>'row_count')::bigint AS n, details->>'rows_digest' AS digest,
                             (details->>'rows_digest_run_lines')::bigint AS run_lines
                      FROM heroku_privacy.events WHERE details ? 'rows_digest'),
         lines AS (SELECT e.seq, ${LINE} AS line, coalesce(r.run_lines, ${DIGEST_RUN_LINES}) AS run_lines, r.seq IS NOT NULL AND r.run_lines IS NULL AS whole
                   FROM heroku_privacy.event_rows e LEFT JOIN recorded r ON r.seq = e.seq),
         stored AS (${runDigestsSql('(SELECT * FROM lines WHERE NOT whole)')}
                    UNION ALL SELECT seq, count(*), ${wholeDigestSql} FROM lines WHERE whole GROUP BY seq)
    SELECT coalesce(r.seq, s.seq) AS seq, r.seq IS NOT NULL AS recorded
    FROM recorded r FULL JOIN stored s ON s.seq = r.seq
    WHERE r.seq IS NULL OR coalesce(s.n, 0) <> r.n OR coalesce(s.digest, ${EMPTY_DIGEST}) <> r.digest
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

/** The count and digest of a relation of distinct `line`s, cut into runs of DIGEST_RUN_LINES lines: what a new event records. */
export function newRowsDigestSql(lines: string): string {
  return `SELECT coalesce(sum(n), 0) AS n, coalesce(max(digest), ${EMPTY_DIGEST}) AS digest
    FROM (${runDigestsSql(`(SELECT 0 AS seq, line, ${DIGEST_RUN_LINES} AS run_lines FROM ${lines} x)`)}) d`
}
