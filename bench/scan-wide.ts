/**
 * scan-wide: privacy:scan over a schema of 1,000 tables (a few rows each, of
 * the shapes applications have: a person's orders, profiles, messages, events,
 * and tables of tags that hold nobody), against the same scan of a tenth of
 * those tables: the time must stay bounded and grow with the tables, not faster.
 */
import {join} from 'node:path'

import pg from 'pg'

import {runCli} from '../test/support/processes.js'

export interface ScanWideOptions {
  /** Two empty databases: the wide schema is built in the first, the tenth in the second. */
  wideUrl: string
  narrowUrl: string
  tables?: number
  repeats: number
  work: string
}

export interface ScanWideResult {
  tables: number
  columns: number
  wide: number[]
  narrow: number[]
  ratio: number
}

const ROWS_PER_TABLE = 20

/** One table of each shape in turn, `n` tables in all, besides the people themselves. */
function schemaSql(n: number): string {
  return `
    CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, encrypted_password text, first_name text, last_name text, created_at timestamptz DEFAULT now());
    CREATE UNIQUE INDEX index_users_on_email ON users (lower(email));
    INSERT INTO users (email, encrypted_password, first_name, last_name)
      SELECT 'person' || g || '@example.org', '$2a$12$' || md5(g::text) || md5(g::text), 'Ana' || chr(97 + g % 26), 'Silva' || chr(97 + g % 20)
      FROM generate_series(1, 200) g;
    DO $$
    DECLARE i int;
    BEGIN
      FOR i IN 1..${n - 1} LOOP
        CASE i % 5
          WHEN 0 THEN
            EXECUTE format('CREATE TABLE orders_%s (id bigserial PRIMARY KEY, user_id bigint REFERENCES users(id), total numeric(10,2), status text, created_at timestamptz)', i);
            EXECUTE format('INSERT INTO orders_%s (user_id, total, status, created_at) SELECT 1 + g %% 200, g * 1.5, ''paid'', now() FROM generate_series(1, ${ROWS_PER_TABLE}) g', i);
          WHEN 1 THEN
            EXECUTE format('CREATE TABLE profiles_%s (id bigserial PRIMARY KEY, user_id bigint REFERENCES users(id), phone text, street text, city text, birth_date date)', i);
            EXECUTE format('INSERT INTO profiles_%s (user_id, phone, street, city, birth_date) SELECT 1 + g %% 200, ''+44 20 7946 '' || lpad(g::text, 4, ''0''), g || '' High Street'', ''Leeds'', date ''1980-01-01'' + g FROM generate_series(1, ${ROWS_PER_TABLE}) g', i);
          WHEN 2 THEN
            EXECUTE format('CREATE TABLE tags_%s (id bigserial PRIMARY KEY, name text, description text, color text)', i);
            EXECUTE format('INSERT INTO tags_%s (name, description, color) SELECT ''tag-'' || g, ''Items about topic '' || g, ''#a0b0c0'' FROM generate_series(1, ${ROWS_PER_TABLE}) g', i);
          WHEN 3 THEN
            EXECUTE format('CREATE TABLE messages_%s (id bigserial PRIMARY KEY, author_id bigint, body text, ip inet, metadata jsonb)', i);
            EXECUTE format('INSERT INTO messages_%s (author_id, body, ip, metadata) SELECT 1 + g %% 200, ''Please call me back about order '' || g, (''81.2.69.'' || g)::inet, jsonb_build_object(''client'', ''web'') FROM generate_series(1, ${ROWS_PER_TABLE}) g', i);
          ELSE
            EXECUTE format('CREATE TABLE events_%s (id bigserial PRIMARY KEY, account_id bigint REFERENCES users(id), payload jsonb, user_agent text)', i);
            EXECUTE format('INSERT INTO events_%s (account_id, payload, user_agent) SELECT 1 + g %% 200, jsonb_build_object(''page'', ''/items/'' || g), ''Mozilla/5.0 (X11; Linux x86_64)'' FROM generate_series(1, ${ROWS_PER_TABLE}) g', i);
        END CASE;
      END LOOP;
    END $$;
    ANALYZE;`
}

async function build(url: string, tables: number): Promise<number> {
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    await client.query(schemaSql(tables))
    const {
      rows: [count],
    } = await client.query<{columns: number}>(`SELECT count(*)::int AS columns FROM information_schema.columns WHERE table_schema = 'public'`)
    return count!.columns
  } finally {
    await client.end()
  }
}

async function scanSeconds(url: string, out: string): Promise<number> {
  const started = process.hrtime.bigint()
  const result = await runCli(['privacy:scan', '--database-url', url, '--out', out])
  if (result.code !== 0) throw new Error(`privacy:scan exited ${result.code}: ${result.stderr.slice(-500)}`)
  return Number(process.hrtime.bigint() - started) / 1e9
}

export async function scanWideBench(options: ScanWideOptions): Promise<{result: ScanWideResult; row: string[]}> {
  const tables = options.tables ?? 1000
  const columns = await build(options.wideUrl, tables)
  await build(options.narrowUrl, tables / 10)
  const wide: number[] = []
  const narrow: number[] = []
  for (let i = 0; i < options.repeats; i++) {
    wide.push(await scanSeconds(options.wideUrl, join(options.work, 'scan-wide.yml')))
    narrow.push(await scanSeconds(options.narrowUrl, join(options.work, 'scan-narrow.yml')))
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const ratio = median(wide) / median(narrow)
  return {
    result: {tables, columns, wide, narrow, ratio},
    row: [
      'scan-wide',
      `${median(wide).toFixed(2)} s for ${tables.toLocaleString('en')} tables (${columns.toLocaleString('en')} columns)`,
      `same scan of ${tables / 10} tables: ${median(narrow).toFixed(2)} s`,
      `${ratio.toFixed(2)}× the time for 10× the tables`,
      '',
    ],
  }
}
