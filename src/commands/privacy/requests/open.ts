import {existsSync} from 'node:fs'

import {Flags} from '@oclif/core'

import {appsOf, resolveScope, scopeFlags} from '../../../cli/apps.js'
import {PrivacyCommand} from '../../../cli/base-command.js'
import {databaseFlags, mapFlag} from '../../../cli/flags.js'
import {ledgerFlags} from '../../../cli/ledger.js'
import {loadDataMap} from '../../../lib/datamap/load.js'
import {LAWS, Law} from '../../../lib/datamap/processing-schema.js'
import {usageError} from '../../../lib/errors.js'
import {parseDate} from '../../../lib/ledger/dates.js'
import {PrivacyRequest, REQUEST_KINDS, RecordedRequest, VERIFICATION_METHODS, VerificationMethod, openRequest} from '../../../lib/ledger/requests.js'
import {parseSubject} from '../../../lib/subject/parse.js'
import {plural} from '../../../lib/ui/words.js'

export default class RequestsOpen extends PrivacyCommand {
  static description = `record a data subject request and its legal deadline

The deadline follows the law the request falls under (--law, default the map's law:, else gdpr), counted from the day the request was received:
  gdpr, uk-gdpr  one calendar month (31 January → 28/29 February), extendable by two more months
  ccpa           45 calendar days, extendable once by 45; receipt confirmed within 10 business days; opt-outs and limits on sensitive data (--kind objection, restriction) within 15 business days
  lgpd           15 days, no extension
  pipeda         30 days, extendable by 30
A deadline falling on a weekend moves to the Monday (PIPEDA: only off a Sunday); public holidays are not known to the tool. --verified-by and --verification-method record how the requester's identity was checked. The ledger stores the person only as a keyed fingerprint of the lookup value, never the value itself.

A request across several apps: repeat -a (or give --team TEAM for every app of the team that has a map). Each app's map is privacy.<app>.yml in the folder of --map, and each app must have a database; the request is refused (exit 2, nothing recorded) otherwise. The request lives in the ledger of the first app (or --ledger-url), with its apps in the open event: name the first app with -a in every later command for it.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app --kind erasure --subject email=alice@example.com --reference TICKET-123',
    '<%= config.bin %> <%= command.id %> -a example-app --kind access --subject id=42 --received 2026-11-20 --law ccpa --verified-by dpo@example.com --verification-method email-confirmation --json',
    '<%= config.bin %> <%= command.id %> -a example-app -a example-api --kind erasure --subject email=alice@example.com',
  ]

  static flags = {
    ...databaseFlags,
    ...scopeFlags,
    ...ledgerFlags,
    kind: Flags.string({description: 'what the person asked for', options: [...REQUEST_KINDS], required: true}),
    subject: Flags.string({description: 'who asked, as COLUMN=VALUE of a lookup column (email=…, id=…)', required: true}),
    received: Flags.string({description: 'the day the request reached you (default: today)', helpValue: 'YYYY-MM-DD'}),
    reference: Flags.string({description: 'your own reference, e.g. a support ticket id'}),
    law: Flags.string({description: 'the law whose deadlines apply (default: law: in the data map, else gdpr)', options: [...LAWS]}),
    map: mapFlag,
    'verified-by': Flags.string({description: "who checked the requester's identity", dependsOn: ['verification-method']}),
    'verification-method': Flags.string({description: 'how the identity was checked', options: [...VERIFICATION_METHODS], dependsOn: ['verified-by']}),
  }

  async run(): Promise<RecordedRequest> {
    const {flags} = await this.parse(RequestsOpen)
    const subject = parseSubject(flags.subject)
    const receivedOn = flags.received === undefined ? undefined : parseDate(flags.received)
    if (flags.received !== undefined && !receivedOn) {
      throw usageError(`--received must be a date as YYYY-MM-DD (got ${flags.received}).`)
    }
    const apps = await resolveScope(flags, this.opener)
    const lawMap = apps ? apps[0]!.map : flags.map
    const law = (flags.law as Law | undefined) ?? (existsSync(lawMap) ? (await loadDataMap(lawMap)).map.law : undefined) ?? 'gdpr'
    const verification = flags['verified-by'] ? {by: flags['verified-by'], method: flags['verification-method'] as VerificationMethod} : undefined
    const ledger = await this.openLedger({...flags, app: apps ? apps[0]!.app : appsOf(flags.app)[0]})
    try {
      const request = await openRequest(ledger.ctx, {
        kind: flags.kind as PrivacyRequest['kind'],
        subject,
        receivedOn,
        reference: flags.reference,
        law,
        verification,
        ...(apps ? {apps} : {}),
      })
      this.log(
        `Opened ${request.id} (${request.kind}, ${request.law}), received ${request.receivedOn}, due ${request.dueOn} (${plural(request.daysLeft, 'day')} left).`,
      )
      if (apps)
        this.log(
          `It covers ${plural(apps.length, 'app')}: ${apps.map(a => `${a.app} (${a.map})`).join(', ')}; it is kept in ${ledger.ctx.scope}'s ledger, so name -a ${ledger.ctx.scope} with --request ${request.id}.`,
        )
      if (request.acknowledgeBy) this.log(`Confirm receipt to the person by ${request.acknowledgeBy}.`)
      if (!request.verifiedBy)
        this.log('Identity not recorded as verified: check it before sending data, then note how (--verified-by, --verification-method).')
      this.logLedgerHead(request.ledgerHead)
      return request
    } finally {
      await ledger.close()
    }
  }
}
