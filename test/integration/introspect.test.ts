import {expect} from 'chai'

import {expressionColumn, introspect, isCaseInsensitiveColumn, isUniqueColumn, uniqueLookupColumns} from '../../src/lib/db/introspect.js'
import {useDatabase} from '../support/context.js'

describe('schema introspection of shapes real apps use', () => {
  const db = useDatabase()

  before(async () => {
    await db.pool.query(`
      CREATE EXTENSION IF NOT EXISTS citext;
      CREATE TABLE accounts (
        id bigserial PRIMARY KEY,
        email varchar(255) NOT NULL,
        "E-Mail" text,
        handle citext,
        display_name text,
        deleted_at timestamptz,
        full_name text GENERATED ALWAYS AS (coalesce(display_name, '') || ' ' || handle) STORED
      );
      CREATE UNIQUE INDEX index_accounts_on_lower_email ON accounts (lower((email)::text));
      CREATE UNIQUE INDEX accounts_email_key_quoted ON accounts (lower("E-Mail"));
      CREATE UNIQUE INDEX index_accounts_on_display_name ON accounts (display_name) WHERE deleted_at IS NULL;
      CREATE UNIQUE INDEX index_accounts_on_handle ON accounts (handle);
      CREATE TABLE "userTokens" ("userId" text NOT NULL, token text NOT NULL, UNIQUE ("userId", token));
      CREATE TABLE documents (id int PRIMARY KEY, owner_id int, body text);
      ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
      CREATE TABLE documents_archive (archived_at timestamptz) INHERITS (documents);
    `)
  })

  it('reads unique indexes, including expression and partial ones, and generated columns', async () => {
    const schema = await introspect(db.pool)
    const accounts = schema.tables.get('public.accounts')!
    expect(accounts.uniqueIndexes.map(i => i.name).sort()).to.deep.equal([
      'accounts_email_key_quoted',
      'accounts_pkey',
      'index_accounts_on_display_name',
      'index_accounts_on_handle',
      'index_accounts_on_lower_email',
    ])
    const lowerEmail = accounts.uniqueIndexes.find(i => i.name === 'index_accounts_on_lower_email')!
    expect(lowerEmail.columns).to.deep.equal([null])
    expect(lowerEmail.expressions[0]).to.match(/lower/)
    expect(accounts.uniqueIndexes.find(i => i.name === 'index_accounts_on_display_name')!.predicate).to.match(/deleted_at IS NULL/)
    expect(accounts.uniqueIndexes.find(i => i.name === 'accounts_pkey')!.isConstraint).to.equal(true)
    expect(accounts.columns.find(c => c.name === 'full_name')!.generated).to.equal('stored')
    expect(accounts.columns.find(c => c.name === 'email')!.generated).to.equal(null)
    for (const column of ['id', 'email', 'E-Mail', 'handle', 'display_name']) expect(isUniqueColumn(accounts, column), column).to.equal(true)
    expect(isUniqueColumn(accounts, 'deleted_at')).to.equal(false)
    expect(isCaseInsensitiveColumn(accounts, 'email')).to.equal(true)
    expect(isCaseInsensitiveColumn(accounts, 'E-Mail')).to.equal(true)
    expect(isCaseInsensitiveColumn(accounts, 'handle')).to.equal(true)
    expect(isCaseInsensitiveColumn(accounts, 'display_name')).to.equal(false)
    expect(uniqueLookupColumns(accounts)).to.include.members(['id', 'email', 'E-Mail', 'handle'])
    const tokens = schema.tables.get('public.userTokens')!
    expect(isUniqueColumn(tokens, 'userId')).to.equal(false)
  })

  it('reads row-level security, inheritance and privileges', async () => {
    const schema = await introspect(db.pool)
    const documents = schema.tables.get('public.documents')!
    expect(documents.rowSecurity).to.deep.equal({enabled: true, forced: false, bypassed: true})
    expect(documents.inheritedBy).to.deep.equal(['public.documents_archive'])
    expect(schema.tables.get('public.documents_archive')!.inheritsFrom).to.equal('public.documents')
    expect(documents.canUpdate && documents.canDelete && documents.isReadable).to.equal(true)

    await db.pool.query(`CREATE ROLE introspect_reader LOGIN; GRANT SELECT ON documents TO introspect_reader`)
    const client = await db.pool.connect()
    try {
      await client.query('SET ROLE introspect_reader')
      const seen = (await introspect(client)).tables.get('public.documents')!
      expect(seen.rowSecurity.bypassed).to.equal(false)
      expect(seen.isReadable).to.equal(true)
      expect(seen.canUpdate || seen.canDelete).to.equal(false)
    } finally {
      await client.query('RESET ROLE')
      client.release()
      await db.pool.query('DROP OWNED BY introspect_reader; DROP ROLE introspect_reader')
    }
  })

  it('finds the one column an index expression reads', () => {
    expect(expressionColumn('lower((email)::text)')).to.equal('email')
    expect(expressionColumn('lower("E-Mail")')).to.equal('E-Mail')
    expect(expressionColumn('lower(("userEmail")::text)')).to.equal('userEmail')
    expect(expressionColumn("coalesce(first_name, '') || last_name")).to.equal(undefined)
  })
})
