/** Where a Heroku region, an AWS region code or a country name puts data, for transfers outside the EEA (Chapter V GDPR). */
export interface Location {
  country: string
  inEea: boolean
  /** The European Commission's adequacy decision covering the country, when there is one (Art. 45). */
  adequacy: string | null
}

const EEA = new Set([
  'Austria',
  'Belgium',
  'Bulgaria',
  'Croatia',
  'Cyprus',
  'Czechia',
  'Denmark',
  'Estonia',
  'Finland',
  'France',
  'Germany',
  'Greece',
  'Hungary',
  'Ireland',
  'Italy',
  'Latvia',
  'Lithuania',
  'Luxembourg',
  'Malta',
  'Netherlands',
  'Poland',
  'Portugal',
  'Romania',
  'Slovakia',
  'Slovenia',
  'Spain',
  'Sweden',
  'Iceland',
  'Liechtenstein',
  'Norway',
])

const ADEQUACY: Record<string, string> = {
  'United Kingdom': 'adequacy decision for the United Kingdom',
  Switzerland: 'adequacy decision for Switzerland',
  Japan: 'adequacy decision for Japan',
  Canada: 'adequacy decision for Canada (commercial organisations under PIPEDA)',
  'United States': 'EU-US Data Privacy Framework (only for organisations certified under it)',
  'South Korea': 'adequacy decision for the Republic of Korea',
  Israel: 'adequacy decision for Israel',
  'New Zealand': 'adequacy decision for New Zealand',
  Argentina: 'adequacy decision for Argentina',
  Uruguay: 'adequacy decision for Uruguay',
}

/** Heroku's Common Runtime regions and Private Space regions. */
const HEROKU_REGIONS: Record<string, string> = {
  eu: 'Ireland',
  dublin: 'Ireland',
  frankfurt: 'Germany',
  london: 'United Kingdom',
  us: 'United States',
  virginia: 'United States',
  oregon: 'United States',
  montreal: 'Canada',
  tokyo: 'Japan',
  sydney: 'Australia',
  singapore: 'Singapore',
  mumbai: 'India',
}

const AWS_REGIONS: Record<string, string> = {
  'eu-west-1': 'Ireland',
  'eu-central-1': 'Germany',
  'eu-west-2': 'United Kingdom',
  'eu-west-3': 'France',
  'eu-north-1': 'Sweden',
  'us-east-1': 'United States',
  'us-east-2': 'United States',
  'us-west-1': 'United States',
  'us-west-2': 'United States',
  'ca-central-1': 'Canada',
  'ap-northeast-1': 'Japan',
  'ap-southeast-1': 'Singapore',
  'ap-southeast-2': 'Australia',
  'ap-south-1': 'India',
}

const ALIASES: Record<string, string> = {
  usa: 'United States',
  'united states of america': 'United States',
  us: 'United States',
  uk: 'United Kingdom',
  'great britain': 'United Kingdom',
  'czech republic': 'Czechia',
  'republic of korea': 'South Korea',
}

/** Where `text` puts data: a Heroku region (eu, virginia), a Data API region ("Europe (eu-west-1)") or a country; null when unknown. */
export function locate(text: string | null | undefined): Location | null {
  if (!text) return null
  const trimmed = text.trim()
  const aws = /\b([a-z]{2}-[a-z]+-\d)\b/.exec(trimmed)?.[1]
  const known = HEROKU_REGIONS[trimmed.toLowerCase()] ?? (aws ? AWS_REGIONS[aws] : undefined) ?? ALIASES[trimmed.toLowerCase()]
  const country = known ?? [...EEA, ...Object.keys(ADEQUACY), 'Australia', 'Singapore', 'India', 'Brazil'].find(c => c.toLowerCase() === trimmed.toLowerCase())
  if (!country) return null
  return {country, inEea: EEA.has(country), adequacy: ADEQUACY[country] ?? null}
}
