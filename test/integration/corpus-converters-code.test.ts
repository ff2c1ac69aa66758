import {join} from 'node:path'

import {expect} from 'chai'

import {useDatabase} from '../support/context.js'
import {columnsOf, convert, foreignKeysOf, uniqueIndexesOf, writeSources} from '../support/corpus-converter.js'

describe('corpus converter: Rails migrations', () => {
  const db = useDatabase()

  it("replays schema statements with the types of each migration's Rails version, ignoring data code and guarded no-ops", async () => {
    const dir = await writeSources({
      '001_setup.rb': `class Setup < ActiveRecord::Migration[4.2]
  def self.up
    create_table "users", :force => true do |t|
      t.column "login", :string, :limit => 30, :default => "", :null => false
      t.column "hashed_password", :string, :limit => 40
      t.column "mail", :string, :limit => 60
      t.column "created_on", :timestamp
    end
    add_index :users, :login, :unique => true, :name => "index_users_on_login"
    User.create :login => "admin"
  end

  def self.down
    drop_table :users
  end
end`,
      '002_tokens.rb': `class Tokens < ActiveRecord::Migration[7.1]
  def change
    create_table :tokens do |t|
      t.references :user, null: false, foreign_key: true
      t.string :value, limit: 40, null: false
      t.timestamps
    end
    add_index :tokens, [:user_id, :value], unique: true
    change_column :users, :login, :string, limit: 255
    rename_column :users, :mail, :email
    remove_column :users, :no_such_column if column_exists?(:users, :no_such_column)
    add_foreign_key(
      :tokens,
      :users,
      column: :user_id
    )
  end
end`,
    })
    const ddl = await convert('from-rails-migrations.ts', [join(dir, '002_tokens.rb'), join(dir, '001_setup.rb')])
    await db.pool.query(ddl)
    expect(await columnsOf(db.pool, 'users')).to.deep.equal([
      'id integer NOT NULL',
      'login character varying(255) NOT NULL',
      'hashed_password character varying(40)',
      'email character varying(60)',
      'created_on timestamp without time zone',
    ])
    expect(await columnsOf(db.pool, 'tokens')).to.deep.equal([
      'id bigint NOT NULL',
      'user_id bigint NOT NULL',
      'value character varying(40) NOT NULL',
      'created_at timestamp(6) without time zone NOT NULL',
      'updated_at timestamp(6) without time zone NOT NULL',
    ])
    expect(await uniqueIndexesOf(db.pool, 'users')).to.deep.equal(['(login)'])
    expect(await uniqueIndexesOf(db.pool, 'tokens')).to.deep.equal(['(user_id, value)'])
    expect(await foreignKeysOf(db.pool, 'tokens')).to.have.length(1)
  })
})

describe('corpus converter: Go models mapped by xorm', () => {
  const db = useDatabase()

  it("maps registered structs, tags, named types, embedded structs and xorm's naming", async () => {
    const dir = await writeSources({
      'models/user/user.go': `package user

import (
	"code.example/app/models/auth" // for the login type
	"code.example/app/modules/timeutil"
)

type UserType int

// User is a person; its table name comes from the mapper.
type User struct {
	ID          int64 \`xorm:"pk autoincr"\`
	LowerName   string \`xorm:"UNIQUE NOT NULL"\`
	Email       string \`xorm:"NOT NULL"\`
	Passwd      string \`xorm:"NOT NULL DEFAULT 'argon2'"\`
	LoginType   auth.Type
	Type        UserType
	Rands       string \`xorm:"VARCHAR(32)"\`
	AllowedIDs  []int64 \`xorm:"JSON TEXT"\`
	CreatedUnix timeutil.TimeStamp \`xorm:"INDEX created"\`
	Cache       string \`xorm:"-"\`
	secret      string
}

type Redirect struct {
	ID             int64
	LowerName      string \`xorm:"UNIQUE(s) INDEX NOT NULL"\`
	RedirectUserID int64 \`xorm:"UNIQUE(s)"\`
	Meta           \`xorm:"extends"\`
}

type Meta struct {
	HashMD5 string \`xorm:"hash_md5 char(32)"\`
}

func (Redirect) TableName() string {
	return "user_redirect"
}

func init() {
	db.RegisterModel(new(User))
	db.RegisterModel(new(Redirect))
}
`,
      'models/auth/source.go': 'package auth\n\ntype Type int\n',
      'modules/timeutil/timestamp.go': 'package timeutil\n\ntype TimeStamp int64\n',
    })
    // Run as the README does: in the checkout, with relative paths.
    const ddl = await convert('from-go-xorm.ts', ['models', '--types', 'modules'], dir)
    await db.pool.query(ddl)
    expect(await columnsOf(db.pool, 'user')).to.deep.equal([
      'id bigint NOT NULL',
      'lower_name character varying(255) NOT NULL',
      'email character varying(255) NOT NULL',
      'passwd character varying(255) NOT NULL',
      'login_type integer',
      'type integer',
      'rands character varying(32)',
      'allowed_i_ds text',
      'created_unix bigint',
    ])
    expect(await columnsOf(db.pool, 'user_redirect')).to.deep.equal([
      'id bigint NOT NULL',
      'lower_name character varying(255) NOT NULL',
      'redirect_user_id bigint',
      'hash_md5 character varying(32)',
    ])
    expect(await uniqueIndexesOf(db.pool, 'user')).to.deep.equal(['(lower_name)'])
    expect(await uniqueIndexesOf(db.pool, 'user_redirect')).to.deep.equal(['(lower_name, redirect_user_id)'])
  })
})
