import {expect} from 'chai'

import {nameDatabaseUrl, parsePostgresInfo} from '../../src/lib/heroku/postgres-info.js'
import {splitAppNamespace} from '../../src/lib/heroku/resolve-database.js'
import {formatBytes, formatKeyValues} from '../../src/lib/ui/key-values.js'

describe('Data API database info', () => {
  it('reads the entries an admin asks about from info[]', () => {
    const parsed = parsePostgresInfo({
      addon_id: 'a1',
      info: [
        {name: 'Plan', values: ['Standard 0']},
        {name: 'Data Encryption', values: ['In Use']},
        {name: 'HA Status', values: []},
        {name: 'Followers', values: ['postgres://f:pw@h:5432/d1'], resolve_db_name: true},
        {name: 'Region', values: ['Europe (eu-west-1)']},
      ],
    })
    expect(parsed.plan).to.equal('Standard 0')
    expect(parsed.encryptionAtRest).to.equal('In Use')
    expect(parsed.highAvailability).to.equal(null)
    expect(parsed.followerUrls).to.have.length(1)
    expect(parsed.region).to.equal('Europe (eu-west-1)')
  })

  it('names a database URL by the config var that holds it, else by host, never with the password', () => {
    const config = {DATABASE_URL: 'postgres://a:pw1@h:5432/d1', HEROKU_POSTGRESQL_AMBER_URL: 'postgres://f:pw2@h:5432/d1'}
    expect(nameDatabaseUrl('postgres://f:pw2@h:5432/d1', config)).to.equal('HEROKU_POSTGRESQL_AMBER')
    expect(nameDatabaseUrl('postgres://z:pw3@other:5432/d9', config)).to.equal('other:5432/d9')
  })

  it('splits app::DATABASE the way the heroku CLI does', () => {
    expect(splitAppNamespace('a', 'other-app::DATABASE')).to.deep.equal({app: 'other-app', database: 'DATABASE'})
    expect(splitAppNamespace('a', 'HEROKU_POSTGRESQL_RED')).to.deep.equal({app: 'a', database: 'HEROKU_POSTGRESQL_RED'})
  })
})

describe('key/value rendering', () => {
  it('aligns labels and leaves out empty values', () => {
    expect(
      formatKeyValues([
        ['Plan', 'Standard 0'],
        ['HA', null],
        ['Followers', []],
        ['Read Only', false],
        ['Tables', 3],
      ]),
    ).to.equal('Plan:      Standard 0\nRead Only: no\nTables:    3')
  })

  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).to.equal('512 B')
    expect(formatBytes(9.5 * 1024 * 1024)).to.equal('9.5 MB')
  })
})
