import {z} from 'zod'

/**
 * What the map says about why and how personal data is processed: the facts
 * a person is owed under Art. 15(1) GDPR and that a record of processing
 * (Art. 30) lists. Every part is optional, so maps written before it still load.
 */

/** The laws whose request deadlines the ledger knows. */
export const LAWS = ['gdpr', 'uk-gdpr', 'ccpa', 'lgpd', 'pipeda'] as const
/** The locales an export's fixed text is written in. */
export const LOCALES = ['en', 'de', 'fr'] as const
/** Art. 6(1) GDPR: the lawful bases of processing. */
export const PURPOSE_BASES = ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'] as const
export const RECIPIENT_ROLES = ['processor', 'controller', 'joint_controller', 'public_authority'] as const
/** Where data came from: the person, Salesforce through Heroku Connect, the person's use of the service, or inferred from other data. */
export const SOURCES = ['person', 'salesforce', 'observed', 'derived'] as const

export type Law = (typeof LAWS)[number]
export type Locale = (typeof LOCALES)[number]
export type PurposeBasis = (typeof PURPOSE_BASES)[number]

/** Text a person reads: one string, or one per locale (`{en: …, de: …}`). */
export const localized = z.union([z.string().min(1), z.partialRecord(z.enum(LOCALES), z.string().min(1))])
export type Localized = z.infer<typeof localized>

/** Set by privacy:scan on what it guessed; a person removes it once the entry is true. */
const review = z.boolean().optional()

export const controllerSchema = z.strictObject({
  name: z.string().min(1),
  /** How a person reaches the controller about their data: an email, a postal address or a web form. */
  contact: z.string().min(1),
  address: z.string().optional(),
  /** The data protection officer's contact, where there is one (Art. 37). */
  dpo: z.string().optional(),
  /** The representative in the Union or the UK of a controller established outside it (Art. 27). */
  representative: z.string().optional(),
  /** The supervisory authority a person may complain to (Art. 77). */
  authority: z.strictObject({name: z.string().min(1), url: z.string().optional(), contact: z.string().optional()}).optional(),
  review,
})

export const purposeSchema = z
  .strictObject({
    description: localized,
    legal_basis: z.enum(PURPOSE_BASES).optional(),
    /** The legitimate interest pursued (Art. 13(1)(d)), needed with legal_basis: legitimate_interests. */
    interest: localized.optional(),
    review,
  })
  .refine(p => p.legal_basis !== 'legitimate_interests' || p.interest !== undefined, {
    message: 'legal_basis: legitimate_interests needs the interest stated (interest: …)',
    path: ['legal_basis'],
  })

export const recipientSchema = z.strictObject({
  name: z.string().min(1),
  role: z.enum(RECIPIENT_ROLES),
  /** What the recipient does with the data. */
  purpose: localized.optional(),
  /** Where the recipient processes the data (a country, or a Heroku region). */
  country: z.string().optional(),
  /** The safeguard for a transfer outside the EEA (Art. 46): an adequacy decision, standard contractual clauses, … */
  safeguard: z.string().optional(),
  /** Receives everything in the map (the hosting provider), not only the tables that name it. */
  all_data: z.boolean().optional(),
  review,
})

const decisionSchema = z.strictObject({
  decision: localized,
  /** Meaningful information about the logic involved (Art. 15(1)(h)). */
  logic: localized,
  /** The significance and the envisaged consequences for the person. */
  consequences: localized,
})

const sourceSchema = z.union([z.enum(SOURCES), z.strictObject({name: z.string().min(1), note: localized.optional()})])

const facts = {
  /** Ids from the map's top-level purposes. */
  purposes: z.array(z.string()).optional(),
  /** Ids from the map's top-level recipients. */
  recipients: z.array(z.string()).optional(),
  /** How long the data is kept, or the criteria; a table's retention policy, when it has one, is stated as well. */
  retention: localized.optional(),
  source: sourceSchema.optional(),
  /** Automated decisions, including profiling (Art. 22); an empty list says there are none. */
  automated_decisions: z.array(decisionSchema).optional(),
}

export const processingSchema = z.strictObject({
  ...facts,
  /** Columns processed differently from the rest of the table: each group's facts replace the table's for its columns. */
  groups: z.array(z.strictObject({columns: z.array(z.string()).min(1), ...facts})).optional(),
  review,
})

export type Controller = z.infer<typeof controllerSchema>
export type Purpose = z.infer<typeof purposeSchema>
export type Recipient = z.infer<typeof recipientSchema>
export type Processing = z.infer<typeof processingSchema>
export type ProcessingGroup = NonNullable<Processing['groups']>[number]
export type Source = z.infer<typeof sourceSchema>
export type AutomatedDecision = z.infer<typeof decisionSchema>

/** Picks the text for a locale: the locale's own, else English, else any. */
export function textIn(value: Localized, locale: Locale): string
export function textIn(value: Localized | undefined, locale: Locale): string | undefined
export function textIn(value: Localized | undefined, locale: Locale): string | undefined {
  if (value === undefined || typeof value === 'string') return value
  return value[locale] ?? value.en ?? Object.values(value).find(v => v !== undefined)
}
