import {join} from 'node:path'

import {expect} from 'chai'

import {useDatabase} from '../support/context.js'
import {columnsOf, convert, foreignKeysOf, uniqueIndexesOf, writeSources} from '../support/corpus-converter.js'

describe('corpus converter: plain SQL migrations', () => {
  const db = useDatabase()

  it('applies scripts in dependency order, reads Perl scripts for their literal schema statements, and skips what it is told to', async () => {
    const dir = await writeSources({
      'base.sql':
        'CREATE TABLE customer (id serial PRIMARY KEY, name text);\nCREATE TABLE contacts (cp_id serial PRIMARY KEY, cp_cv_id int REFERENCES customer(id));',
      // Named so that plain name order would run it before the script it depends on.
      'a_contacts_email.sql':
        '-- @tag: contacts_email\n-- @depends: z_add_city\nALTER TABLE contacts ADD COLUMN cp_email text;\nALTER TABLE customer ADD COLUMN email text;\nUPDATE contacts SET cp_email = lower(cp_email);',
      'z_add_city.sql':
        "-- @tag: z_add_city\n-- @depends: release_1\nALTER TABLE customer ADD COLUMN city text; -- a ; in a comment\nCOMMENT ON COLUMN customer.city IS 'Ort; Stadt';",
      'release.sql': '-- @tag: release_1\n',
      'ignored.sql': '-- @tag: ignored\n-- @ignore: 1\nDROP TABLE customer;',
      'perl_upgrade.pl': [
        '# @tag: perl_upgrade',
        '# @depends: contacts_email',
        'sub run {',
        "  my ($self) = @_; # it's a comment with an apostrophe",
        '  $self->drop_constraints(table => "contacts");',
        "  $self->db_query('ALTER TABLE contacts ADD COLUMN cp_birthday date', may_fail => 1);",
        '  my $sql = <<SQL;',
        'CREATE TABLE shipto (shipto_id serial PRIMARY KEY, trans_id int, shiptoname text);',
        'SQL',
        '  $self->db_query(qq|ALTER TABLE $table ADD COLUMN never text|);',
        '  $self->db_query("ALTER TABLE no_such_table ADD COLUMN x text");',
        '}',
      ].join('\n'),
    })
    const ddl = await convert('from-sql-migrations.ts', [
      '--depends',
      '--skip',
      '^UPDATE\\s',
      ...['base.sql', 'a_contacts_email.sql', 'z_add_city.sql', 'release.sql', 'ignored.sql', 'perl_upgrade.pl'].map(f => join(dir, f)),
    ])
    expect(ddl).not.to.match(/UPDATE contacts|DROP TABLE customer|never/)
    await db.pool.query(ddl)
    expect(await columnsOf(db.pool, 'customer')).to.deep.equal(['id integer NOT NULL', 'name text', 'city text', 'email text'])
    expect(await columnsOf(db.pool, 'contacts')).to.deep.equal(['cp_id integer NOT NULL', 'cp_cv_id integer', 'cp_email text', 'cp_birthday date'])
    expect(await columnsOf(db.pool, 'shipto')).to.have.length(3)
    expect(await foreignKeysOf(db.pool, 'contacts'), 'drop_constraints removed the foreign key').to.deep.equal([])
  })

  it('replaces template placeholders and keeps a prelude first', async () => {
    const dir = await writeSources({
      '001_users.up.sql': 'CREATE TABLE {{ index .Options "Namespace" }}.users (id uuid PRIMARY KEY, email varchar(255) UNIQUE);',
    })
    const ddl = await convert('from-sql-migrations.ts', [
      '--prelude',
      'CREATE SCHEMA auth_test',
      '--replace',
      '{{ index .Options "Namespace" }}=>auth_test',
      join(dir, '001_users.up.sql'),
    ])
    await db.pool.query(ddl)
    expect(await columnsOf(db.pool, 'users', 'auth_test')).to.deep.equal(['id uuid NOT NULL', 'email character varying(255)'])
  })
})

describe('corpus converter: pg_dump structure files', () => {
  const db = useDatabase()

  it('keeps tables, partitions, sequences, functions and indexes, and leaves out triggers, views, comments and psql commands', async () => {
    const dir = await writeSources({
      'structure.sql': `\\restrict abc123
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END; $$;
CREATE TABLE users (id bigint NOT NULL, email character varying DEFAULT ''::character varying NOT NULL, updated_at timestamp without time zone);
COMMENT ON TABLE users IS 'people; who sign in';
CREATE SEQUENCE users_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
ALTER SEQUENCE users_id_seq OWNED BY users.id;
ALTER TABLE ONLY users ALTER COLUMN id SET DEFAULT nextval('users_id_seq'::regclass);
CREATE TABLE events (id bigint NOT NULL, created_at timestamp with time zone NOT NULL, author_id bigint) PARTITION BY RANGE (created_at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW recent_users AS SELECT id FROM users;
ALTER TABLE ONLY users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
CREATE UNIQUE INDEX index_users_on_lower_email ON users USING btree (lower((email)::text));
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE users ENABLE ALWAYS TRIGGER users_touch;
ALTER TABLE users OWNER TO gitlab;
\\unrestrict abc123
`,
    })
    const ddl = await convert('from-structure-sql.ts', [join(dir, 'structure.sql')])
    expect(ddl).not.to.match(/CREATE VIEW|CREATE TRIGGER|COMMENT ON|restrict|OWNER TO|set_config/)
    await db.pool.query(ddl)
    expect(await uniqueIndexesOf(db.pool, 'users')).to.deep.equal(['(lower((email)::text))'])
    const {rows} = await db.pool.query<{relname: string; relkind: string}>(
      `SELECT relname, relkind::text FROM pg_class WHERE relname LIKE 'events%' AND relkind IN ('r', 'p') ORDER BY 1`,
    )
    expect(rows).to.deep.equal([
      {relname: 'events', relkind: 'p'},
      {relname: 'events_2026', relkind: 'r'},
    ])
  })
})

describe('corpus converter: Liquibase changelogs', () => {
  const db = useDatabase()

  it('runs the change sets PostgreSQL would run, in include order, with modifySql and preconditions', async () => {
    const log = (body: string) =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">\n${body}\n</databaseChangeLog>`
    const dir = await writeSources({
      'META-INF/master.xml': log('<include file="META-INF/changelog-1.xml"/>\n<include file="META-INF/nested-master.xml"/>'),
      'META-INF/nested-master.xml': log('<include file="META-INF/changelog-2.xml"/>'),
      'META-INF/changelog-1.xml': log(`
  <changeSet author="dev" id="1">
    <createTable tableName="USER_ENTITY">
      <column name="ID" type="VARCHAR(36)"><constraints nullable="false" primaryKey="true" primaryKeyName="CONSTRAINT_FB"/></column>
      <column name="EMAIL" type="VARCHAR(255)"/>
      <column name="REALM_ID" type="VARCHAR(36)"/>
      <column name="SECRET" type="CLOB"/>
    </createTable>
    <addUniqueConstraint columnNames="REALM_ID,EMAIL" constraintName="UK_EMAIL-2" tableName="USER_ENTITY"/>
    <!-- a comment with <createTable> in it -->
  </changeSet>
  <changeSet author="dev" id="1-mysql" dbms="mysql">
    <dropTable tableName="USER_ENTITY"/>
  </changeSet>`),
      'META-INF/changelog-2.xml': log(`
  <changeSet author="dev" id="2">
    <preConditions onFail="MARK_RAN"><not><dbms type="postgresql"/></not></preConditions>
    <dropColumn tableName="USER_ENTITY" columnName="EMAIL"/>
  </changeSet>
  <changeSet author="dev" id="3">
    <preConditions onFail="MARK_RAN"><changeSetExecuted id="1" author="dev" changeLogFile="META-INF/changelog-1.xml"/></preConditions>
    <dropUniqueConstraint tableName="USER_ENTITY" constraintName="UK_EMAIL-2"/>
    <renameColumn tableName="USER_ENTITY" oldColumnName="SECRET" newColumnName="SECRET_DATA"/>
    <modifyDataType tableName="USER_ENTITY" columnName="REALM_ID" newDataType="VARCHAR(255)"/>
    <createIndex indexName="IDX_EMAIL" tableName="USER_ENTITY" unique="true"><column name="EMAIL(255)" valueComputed="EMAIL(255)"/></createIndex>
    <modifySql dbms="postgresql"><replace replace="EMAIL(255)" with="lower(email)"/></modifySql>
    <modifySql dbms="oracle"><replace replace="EMAIL(255)" with="SUBSTR(EMAIL, 1, 255)"/></modifySql>
  </changeSet>`),
    })
    const ddl = await convert('from-liquibase.ts', ['--dir', join(dir, 'META-INF'), join(dir, 'META-INF/master.xml')])
    await db.pool.query(ddl)
    expect(await columnsOf(db.pool, 'user_entity')).to.deep.equal([
      'id character varying(36) NOT NULL',
      'email character varying(255)',
      'realm_id character varying(255)',
      'secret_data text',
    ])
    expect(await uniqueIndexesOf(db.pool, 'user_entity')).to.deep.equal(['(lower((email)::text))'])
  })
})
