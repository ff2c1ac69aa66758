import {join} from 'node:path'

import {expect} from 'chai'

import {useDatabase} from '../support/context.js'
import {columnsOf, convert, foreignKeysOf, uniqueConstraintsOf, uniqueIndexesOf, writeSources} from '../support/corpus-converter.js'

describe('corpus converter: Rails schema.rb', () => {
  const db = useDatabase()

  it('creates bigint keys with sequences, Rails column types, expression and partial unique indexes and foreign keys, leaving functions out', async () => {
    const dir = await writeSources({
      'db/schema.rb': `ActiveRecord::Schema[7.1].define(version: 2024_01_01_000000) do
  enable_extension "plpgsql"
  create_enum "role", ["admin", "member"]

  create_table "accounts", force: :cascade do |t|
    t.string "username", default: "", null: false
    t.string "domain"
    t.datetime "created_at", null: false
    t.enum "role", enum_type: "role"
    t.index "lower((username)::text), COALESCE(lower((domain)::text), ''::text)", name: "index_accounts_on_username_and_domain_lower", unique: true
  end

  create_table "users", id: :serial, force: :cascade do |t|
    t.string "email", limit: 255, default: "", null: false
    t.bigint "account_id"
    t.string "otp_backup_codes", array: true
    t.inet "current_sign_in_ip"
    t.datetime "confirmed_at", precision: nil
    t.integer "sign_in_count", default: 0
    t.index ["email"], name: "index_users_on_email", unique: true, where: "(email)::text <> ''::text"
    t.index ["account_id"], name: "index_users_on_account_id"
  end

  create_table "statuses", id: :bigint, default: -> { "timestamp_id('statuses'::text)" }, force: :cascade do |t|
    t.text "text", default: "", null: false
    t.bigint "account_id", null: false
  end

  add_foreign_key "users", "accounts", on_delete: :cascade
  add_foreign_key "statuses", "accounts", column: "account_id"
end
`,
    })
    const ddl = await convert('from-schema-rb.ts', [join(dir, 'db/schema.rb')])
    await db.pool.query(ddl)
    expect(await columnsOf(db.pool, 'users')).to.deep.equal([
      'id integer NOT NULL',
      'email character varying(255) NOT NULL',
      'account_id bigint',
      'otp_backup_codes character varying[]',
      'current_sign_in_ip inet',
      'confirmed_at timestamp without time zone',
      'sign_in_count integer',
    ])
    expect(await columnsOf(db.pool, 'accounts')).to.deep.equal([
      'id bigint NOT NULL',
      'username character varying NOT NULL',
      'domain character varying',
      'created_at timestamp(6) without time zone NOT NULL',
      'role role',
    ])
    expect(await uniqueIndexesOf(db.pool, 'accounts')).to.deep.equal(["(lower((username)::text), COALESCE(lower((domain)::text), ''::text))"])
    expect(await uniqueIndexesOf(db.pool, 'users')).to.deep.equal(["(email) WHERE ((email)::text <> ''::text)"])
    expect(await foreignKeysOf(db.pool, 'users')).to.deep.equal(['FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE CASCADE'])
    const {rows} = await db.pool.query<{d: string | null}>(
      `SELECT column_default AS d FROM information_schema.columns WHERE table_name = 'statuses' AND column_name = 'id'`,
    )
    expect(rows[0]!.d, "a default calling the application's own function").to.equal(null)
  })
})

describe('corpus converter: Prisma schema', () => {
  const db = useDatabase()

  it('creates quoted tables and enums as Prisma Migrate does, unique indexes rather than constraints, foreign keys and implicit join tables', async () => {
    const dir = await writeSources({
      'schema.prisma': `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

enum Role {
  ADMIN  @map("admin")
  MEMBER
}

model User {
  id        Int       @id @default(autoincrement())
  email     String    @unique
  name      String?   @db.VarChar(100)
  role      Role      @default(MEMBER)
  createdAt DateTime  @default(now())
  teams     Team[]
  bookings  Booking[]

  @@map(name: "users")
}

model Team {
  id      Int    @id @default(autoincrement())
  slug    String
  members User[]
}

model Booking {
  uid    String @id @default(cuid())
  userId Int
  user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)
  title  String

  @@unique([userId, title])
}
`,
    })
    const ddl = await convert('from-prisma.ts', [join(dir, 'schema.prisma')])
    await db.pool.query(ddl)
    expect(await columnsOf(db.pool, 'users')).to.deep.equal([
      'id integer NOT NULL',
      'email text NOT NULL',
      'name character varying(100)',
      'role "Role" NOT NULL',
      'createdAt timestamp(3) without time zone NOT NULL',
    ])
    expect(await uniqueIndexesOf(db.pool, 'users')).to.deep.equal(['(email)'])
    expect(await uniqueConstraintsOf(db.pool, 'users')).to.deep.equal([])
    expect(await uniqueIndexesOf(db.pool, 'Booking')).to.deep.equal(['("userId", title)'])
    expect(await foreignKeysOf(db.pool, '"Booking"')).to.deep.equal(['FOREIGN KEY ("userId") REFERENCES users(id) ON UPDATE CASCADE ON DELETE CASCADE'])
    expect(await columnsOf(db.pool, '_TeamToUser')).to.deep.equal(['A integer NOT NULL', 'B integer NOT NULL'])
    const {rows} = await db.pool.query<{label: string}>(
      `SELECT enumlabel AS label FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'Role' ORDER BY enumsortorder`,
    )
    expect(rows.map(r => r.label)).to.deep.equal(['admin', 'MEMBER'])
  })
})

describe('corpus converter: Laravel migrations', () => {
  const db = useDatabase()

  it('replays Schema closures and raw DDL in file order, leaving out data, and lets a statement fail without stopping the rest', async () => {
    const dir = await writeSources({
      'migrations/2020_01_01_000000_create_people.php': `<?php
return new class extends Migration {
    public function up(): void
    {
        DB::unprepared('CREATE SCHEMA cadastro; CREATE SEQUENCE cadastro.seq_pessoa;');
        Schema::create('cadastro.pessoa', function (Blueprint $table) {
            $table->integer('idpes')->default(DB::raw("nextval('cadastro.seq_pessoa'::regclass)"));
            $table->string('nome', 150);
            $table->string('email', 100)->nullable();
            $table->char('situacao', 1)->default('A');
            $table->timestamps();
            $table->primary('idpes');
        });
        DB::statement("INSERT INTO cadastro.pessoa (nome) VALUES ('x')");
        DB::statement('CREATE VIEW cadastro.v AS SELECT * FROM missing');
    }
};
`,
      'migrations/2020_01_02_000000_add_cpf.php': `<?php
return new class extends Migration {
    public function up(): void
    {
        Schema::table('cadastro.pessoa', function (Blueprint $table) {
            $table->string('cpf', 11)->nullable()->unique();
            $table->foreignId('pai_id')->nullable()->constrained('cadastro.pessoa', 'idpes');
        });
    }
};
`,
    })
    const ddl = await convert('from-laravel.ts', [join(dir, 'migrations')])
    await db.pool.query(ddl)
    expect(await columnsOf(db.pool, 'pessoa', 'cadastro')).to.deep.equal([
      'idpes integer NOT NULL',
      'nome character varying(150) NOT NULL',
      'email character varying(100)',
      'situacao character(1) NOT NULL',
      'created_at timestamp(0) without time zone',
      'updated_at timestamp(0) without time zone',
      'cpf character varying(11)',
      'pai_id bigint',
    ])
    expect(await uniqueConstraintsOf(db.pool, 'cadastro.pessoa')).to.deep.equal(['UNIQUE (cpf)'])
    expect(await foreignKeysOf(db.pool, 'cadastro.pessoa')).to.deep.equal(['FOREIGN KEY (pai_id) REFERENCES cadastro.pessoa(idpes)'])
  })
})

describe('corpus converter: Twenty workspace objects', () => {
  const db = useDatabase()

  it('spreads composite fields over sub-columns, keys relations by uuid and generates the search vector from the search fields', async () => {
    const dir = await writeSources({
      'objects/person.workspace-entity.ts': `const NAME_FIELD_NAME = 'name';
const EMAILS_FIELD_NAME = 'emails';

export const SEARCH_FIELDS_FOR_PERSON: FieldTypeAndNameMetadata[] = [
  { name: NAME_FIELD_NAME, type: FieldMetadataType.FULL_NAME },
  { name: EMAILS_FIELD_NAME, type: FieldMetadataType.EMAILS },
];

export class PersonWorkspaceEntity extends BaseWorkspaceEntity {
  name: FullNameMetadata | null;
  emails: EmailsMetadata;
  city: string | null;
  company: Relation<CompanyWorkspaceEntity> | null;
  companyId: string | null;
  createdBy: ActorMetadata;
  searchVector: string;
}
`,
      'objects/company.workspace-entity.ts': `export class CompanyWorkspaceEntity extends BaseWorkspaceEntity {
  name: string;
  address: AddressMetadata;
}
`,
    })
    const ddl = await convert('from-twenty.ts', ['--schema', 'workspace_test', join(dir, 'objects')])
    await db.pool.query(ddl)
    expect(await columnsOf(db.pool, 'person', 'workspace_test')).to.deep.equal([
      'id uuid NOT NULL',
      'createdAt timestamp with time zone NOT NULL',
      'updatedAt timestamp with time zone NOT NULL',
      'deletedAt timestamp with time zone',
      'nameFirstName text',
      'nameLastName text',
      'emailsPrimaryEmail text',
      'emailsAdditionalEmails jsonb',
      'city text',
      'companyId uuid',
      'createdBySource text',
      'createdByWorkspaceMemberId uuid',
      'createdByName text',
      'createdByContext jsonb',
      'searchVector tsvector',
    ])
    expect(await foreignKeysOf(db.pool, 'workspace_test.person')).to.deep.equal([
      'FOREIGN KEY ("companyId") REFERENCES workspace_test.company(id) ON DELETE SET NULL',
    ])
    await db.pool.query(`INSERT INTO workspace_test.person ("nameFirstName", "emailsPrimaryEmail") VALUES ('Ada', 'ada@example.com')`)
    const {rows} = await db.pool.query<{v: string}>(`SELECT "searchVector"::text AS v FROM workspace_test.person`)
    expect(rows[0]!.v).to.equal("'ada':1 'ada@example.com':2")
  })
})
