import {isMap, parseDocument} from 'yaml'

/**
 * What a reviewer writes over privacy:scan's placeholders for the fixture app:
 * the controller, purposes with legal bases, recipients, and per-table facts,
 * with every `review: true` removed.
 */
export const FIXTURE_FACTS = {
  law: 'gdpr',
  controller: {
    name: 'Example Shop GmbH',
    contact: 'privacy@shop.example',
    address: 'Beispielstraße 1, 10115 Berlin, Germany',
    dpo: 'dpo@shop.example',
    authority: {name: 'Berliner Beauftragte für Datenschutz und Informationsfreiheit', url: 'https://www.datenschutz-berlin.de'},
  },
  data_subjects: ['customers', 'prospects in Salesforce'],
  purposes: {
    service: {
      description: {
        en: 'Run your account and deliver your orders',
        de: 'Ihr Konto führen und Ihre Bestellungen liefern',
        fr: 'Gérer votre compte et livrer vos commandes',
      },
      legal_basis: 'contract',
    },
    accounting: {description: 'Keep invoices and payment records', legal_basis: 'legal_obligation'},
    security: {description: 'Keep accounts safe', legal_basis: 'legitimate_interests', interest: 'Detecting break-ins and abuse'},
    analytics: {description: 'Understand which pages are used', legal_basis: 'consent'},
    customer_relations: {
      description: 'Answer your questions and keep our customer records',
      legal_basis: 'legitimate_interests',
      interest: 'Knowing our customers',
    },
  },
  recipients: {
    heroku: {name: 'Salesforce, Inc. (Heroku)', role: 'processor', purpose: 'Hosting', country: 'eu', safeguard: 'Data processing addendum', all_data: true},
    salesforce: {
      name: 'Salesforce, Inc. (Sales Cloud)',
      role: 'processor',
      purpose: 'Customer records',
      country: 'United States',
      safeguard: 'EU-US Data Privacy Framework',
    },
    payments: {name: 'Example Payments Ltd', role: 'controller', purpose: 'Card payments', country: 'Ireland'},
  },
}

const TABLE_FACTS: Record<string, Record<string, unknown>> = {
  'public.orders': {
    purposes: ['service', 'accounting'],
    recipients: ['payments'],
    retention: '10 years after the order, for tax law',
    source: 'person',
    automated_decisions: [],
  },
  'public.payments': {
    purposes: ['accounting'],
    recipients: ['payments'],
    retention: '10 years after the payment, for tax law',
    source: 'person',
    automated_decisions: [],
  },
  'public.audit_events': {
    purposes: ['security'],
    retention: '90 days',
    source: 'observed',
    automated_decisions: [
      {
        decision: 'Sign-ins from unusual places are blocked',
        logic: 'A score from the address and device of the sign-in, compared with your earlier sign-ins',
        consequences: 'You confirm the sign-in by email before you can go on',
      },
    ],
  },
  'public.page_views': {purposes: ['analytics'], retention: '13 months', source: 'observed', automated_decisions: []},
  'salesforce.contact': {
    purposes: ['customer_relations'],
    recipients: ['salesforce'],
    retention: 'Until you ask us to delete your customer record',
    source: 'salesforce',
    automated_decisions: [],
  },
  'public.users': {
    purposes: ['service'],
    retention: 'As long as your account exists',
    source: 'person',
    automated_decisions: [],
    groups: [{columns: ['signup_ip'], purposes: ['security'], retention: '90 days after sign-up', source: 'observed'}],
  },
}

/** Replaces the scan's placeholders in privacy.yml text with the reviewed facts above. */
export function withReviewedFacts(text: string): string {
  const document = parseDocument(text)
  for (const [key, value] of Object.entries(FIXTURE_FACTS)) document.set(key, document.createNode(value))
  const tables = document.get('tables', true)
  if (isMap(tables)) {
    for (const pair of tables.items) {
      const key = String((pair.key as {value: unknown}).value)
      if (!isMap(pair.value) || !pair.value.has('processing')) continue
      const facts = TABLE_FACTS[key] ?? {purposes: ['service'], retention: 'As long as your account exists', source: 'person', automated_decisions: []}
      // The fixture's groups name its own columns: a map of another schema keeps only those it has.
      const columns = pair.value.get('columns', true)
      const has = (column: string) => isMap(columns) && columns.has(column)
      const groups = ((facts.groups ?? []) as Array<{columns: string[]}>).filter(group => group.columns.every(has))
      pair.value.set('processing', document.createNode({...facts, ...(facts.groups ? {groups} : {})}))
    }
  }
  if (document.hasIn(['tables', 'public.users', 'columns', 'full_name'])) {
    document.setIn(['tables', 'public.users', 'columns', 'full_name', 'label'], document.createNode({en: 'Your name', de: 'Ihr Name', fr: 'Votre nom'}))
  }
  return document.toString({lineWidth: 0})
}
