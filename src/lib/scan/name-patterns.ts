import type {Category} from '../datamap/schema.js'

/**
 * Column-name hints per category, in the languages apps are commonly written
 * in (English, German, French, Spanish, Portuguese, Italian, Dutch, Polish,
 * Nordic). Each is matched against whole names and against their tokens.
 */
const HINTS: Array<{category: Exclude<Category, 'none'>; strong: RegExp; weak?: RegExp}> = [
  {category: 'credentials', strong: /^(password|passwd|pwd|password_(hash|digest)|encrypted_password|hashed_password|passwort|contrasena|contraseña|mot_de_passe|senha|api_?key|secret|client_secret|otp_secret|mfa_secret|totp_secret|recovery_codes?|auth_token|access_token|refresh_token|reset_password_token|remember_token|salt|pin_code)$/},
  {category: 'government_id', strong: /^(ssn|social_security(_number)?|national_id|national_insurance(_number)?|nino|passport(_number|_no)?|driver_?s?_licen[cs]e(_number)?|tax_id|tin|vat_id|nif|nie|dni|cpf|cnpj|aadhaar|pan_number|personnummer|bsn|steuer_?id|sozialversicherungsnummer|id_card(_number)?|identity_number|codice_fiscale|pesel)$/},
  {category: 'financial', strong: /^(card_?number|cc_?number|credit_card(_number)?|pan|card_last_?4|last_?4|cvv|cvc|iban|bic|swift|account_number|bank_account(_number)?|routing_number|sort_code|kontonummer|bankleitzahl|salary|income|gehalt|salaire|salario|stripe_customer_id|payment_method)$/},
  {category: 'health', strong: /(^|_)(health|medical|diagnos[ie]s|allerg(y|ies)|blood_type|medication|prescription|disabilit(y|ies)|symptoms?|icd_?10|pregnan(t|cy)|vaccination|diagnose|krankheit|gesundheit|sante|salud|saude)(_|$)/},
  {category: 'biometric', strong: /(^|_)(fingerprint|face_(encoding|embedding|template|id)|facial|biometric|retina|iris_scan|voice_?print)(_|$)/},
  {category: 'contact', strong: /^(e_?mail|email_address|mail|courriel|correo(_electronico)?|phone|phone_number|telephone|tel|mobile|mobile_phone|cell(_phone)?|fax|whatsapp|telefon|telefono|telefone|telefoon|handy|handynummer|portable)$/, weak: /(^|_)(e_?mail|phone|mobile|telephone|telefon|telefono)(_|$)|(mobile|home|other|assistant|business)phone$/},
  {category: 'identity', strong: /^(name|full_?name|first_?name|last_?name|middle_?name|surname|given_?name|family_?name|maiden_?name|display_?name|nick_?name|date_of_birth|dob|birth_?date|birthday|birth_?day|gender|sex|nationality|vorname|nachname|geburtsdatum|nom|prenom|prénom|nombre|apellidos?|fecha_(de_)?nacimiento|date_de_naissance|cognome|nome|sobrenome|data_(de_)?nascimento|voornaam|achternaam|geboortedatum|imie|nazwisko|fornavn|etternavn|efternamn|fornamn|avatar(_url)?|photo(_url)?|profile_picture)$/, weak: /(^|_)((first|last|full|given|family|middle|maiden|nick|display|user|customer|contact|person|sur)_?name|birth_?date|birth)(_|$)/},
  {category: 'location', strong: /^(address|address_?line_?\d|line_?\d|street|street_address|house_number|city|town|postcode|post_code|postal_code|zip|zip_?code|plz|cp|codigo_postal|code_postal|cap|postleitzahl|latitude|longitude|lat|lng|lon|geo|geolocation|location|coordinates|adresse|strasse|straße|ort|stadt|ciudad|ville|direccion|dirección|indirizzo|endereco|endereço|cidade|billing_address|shipping_address|home_address)$/, weak: /(^|_)(address|street|city|postcode|zip|location)(_|$)|(mailing|billing|shipping|other|home)(street|city|state|postalcode|country|address)$/},
  {category: 'online_id', strong: /^(ip|ip_?address|ip_addr|remote_ip|remote_addr|client_ip|last_ip|signup_ip|last_sign_in_ip|current_sign_in_ip|user_agent|device_id|device_token|push_token|advertising_id|idfa|gaid|cookie_id|session_id|username|user_name|login|handle|mac_address|imei)$/, weak: /(^|_)(ip|user_agent|device|cookie|session)(_|$)/},
  {category: 'free_text', strong: /^(body|message|messages|comment|comments|note|notes|description|bio|about|about_me|content|text|feedback|review|remarks|nachricht|kommentar|commentaire|comentario|mensaje)$/},
  {category: 'behavioral', strong: /^(referrer|referer|search_query|query|last_seen(_at)?|last_login(_at)?|last_sign_in_at|current_sign_in_at|sign_in_count|preferences|interests|marketing_opt_in|newsletter|viewed_at|clicked_at|page|path|url_path|utm_source|utm_campaign|browsing_history)$/},
]

export interface NameHint {
  category: Exclude<Category, 'none'>
  confidence: number
  evidence: string
}

/** Tokens of a column name: snake_case and camelCase both become lower-case words joined by `_`. */
export function normaliseName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9äöüßéèáíóúñçãõ]+/g, '_').toLowerCase().replace(/^_+|_+$/g, '')
}

export function hintFromName(name: string): NameHint | undefined {
  const normal = normaliseName(name)
  for (const hint of HINTS) {
    if (hint.strong.test(normal)) return {category: hint.category, confidence: 0.8, evidence: `name "${name}"`}
  }
  for (const hint of HINTS) {
    if (hint.weak?.test(normal)) return {category: hint.category, confidence: 0.55, evidence: `name contains a ${hint.category} word`}
  }
  return undefined
}

/** JSON keys that hint at personal data, as found inside json/jsonb values. */
export function hintFromJsonKey(key: string): NameHint | undefined {
  const hint = hintFromName(key)
  return hint && hint.category !== 'free_text' && hint.category !== 'behavioral' ? {...hint, evidence: `JSON key "${key}"`} : undefined
}
