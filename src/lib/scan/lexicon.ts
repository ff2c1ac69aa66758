/**
 * Words that schemas use for the things personal data is made of, mapped to
 * one concept each: abbreviations (`pwd`, `addr`, `lat`), spellings and the
 * languages applications are commonly written in (English, German, French,
 * Spanish, Portuguese, Italian, Dutch). Rules in `column-rules.ts` read
 * concepts, never raw words.
 */
const CONCEPTS: Record<string, string[]> = {
  // credentials
  password: ['password', 'passwd', 'pwd', 'pass', 'passwort', 'kennwort', 'senha', 'contrasena', 'motdepasse', 'mdp', 'wachtwoord', 'passphrase'],
  hash: ['hash', 'hashed', 'digest', 'crypted', 'bcrypt', 'hmac'],
  encrypted: ['encrypted', 'crypt', 'cipher', 'ciphertext', 'enc'],
  salt: ['salt', 'rands'],
  token: ['token', 'tokens', 'jwt', 'bearer'],
  secret: ['secret', 'secrets'],
  otp: ['otp', 'totp', 'hotp', 'mfa', '2fa', 'passcode', 'onetime'],
  two: ['two'],
  factor: ['factor', 'factors'],
  backup: ['backup', 'recovery', 'scratch'],
  code: ['code', 'codes', 'codigo', 'cod'],
  key: ['key', 'keys'],
  api: ['api', 'apikey'],
  private: ['private'],
  public: ['public', 'pub'],
  passkey: ['passkey', 'webauthn', 'fido', 'u2f'],
  credential: ['credential', 'credentials', 'cred'],
  challenge: ['challenge', 'verifier'],
  session: ['session', 'sessions', 'sess'],
  cookie: ['cookie', 'cookies'],
  refresh: ['refresh'],
  access: ['access'],
  pin: ['pin'],
  reset: ['reset'],
  confirmation: ['confirmation', 'confirm', 'verification', 'verify'],
  invitation: ['invitation', 'invite', 'invitations'],
  remember: ['remember'],
  unlock: ['unlock'],
  reply: ['reply'],
  // identity
  name: ['name', 'names', 'nome', 'nom', 'nombre', 'nm', 'naam'],
  first: ['first', 'given', 'fore', 'forename', 'firstname', 'vorname', 'prenom', 'voornaam', 'primeiro'],
  last: ['last', 'surname', 'family', 'lastname', 'nachname', 'familienname', 'sobrenome', 'apellido', 'apellidos', 'cognome', 'achternaam'],
  middle: ['middle'],
  maiden: ['maiden'],
  full: ['full', 'complete', 'completo'],
  display: ['display'],
  nick: ['nick', 'nickname', 'apelido'],
  user: ['user', 'users', 'usuario', 'utilisateur', 'benutzer', 'nutzer', 'utente'],
  login: ['login', 'logon', 'signin'],
  handle: ['handle', 'acct', 'screenname'],
  birth: ['birth', 'birthday', 'birthdate', 'dob', 'nasc', 'nascimento', 'geburt', 'geburtsdatum', 'geburtstag', 'naissance', 'nacimiento', 'nascita'],
  death: ['death', 'obito', 'tod', 'deces'],
  marriage: ['marriage', 'uniao', 'casamento', 'wedding', 'heirat'],
  gender: ['gender', 'sex', 'sexo', 'geschlecht', 'genre', 'genero'],
  nationality: ['nationality', 'nacionalidade', 'nacionalidad', 'nationalite', 'staatsangehoerigkeit', 'citizenship'],
  avatar: ['avatar', 'photo', 'foto', 'picture', 'portrait', 'headshot', 'gravatar', 'mugshot'],
  signature: ['signature', 'assinatura', 'unterschrift'],
  pronoun: ['pronouns', 'pronoun', 'pronunciation'],
  occupation: ['occupation', 'ocupacao', 'profissao', 'profession', 'beruf', 'cargo'],
  employer: ['company', 'employer', 'empresa', 'organization', 'organisation', 'firma', 'arbeitgeber'],
  mother: ['mother', 'mae', 'mutter', 'mere', 'madre'],
  father: ['father', 'pai', 'vater', 'pere', 'padre'],
  spouse: ['spouse', 'conjuge', 'ehepartner', 'husband', 'wife'],
  guardian: ['guardian', 'responsavel', 'tutor', 'parent', 'parents'],
  kinship: ['relationship', 'parentesco', 'verwandtschaft', 'kinship'],
  social: ['social'],
  authorized: ['autorizado', 'authorized'],
  // contact
  email: ['email', 'emails', 'mail', 'mails', 'courriel', 'correo'],
  phone: ['phone', 'phones', 'telephone', 'tel', 'telefone', 'telefon', 'telefono', 'fone', 'mobile', 'cell', 'cellphone', 'celular', 'handy', 'fax', 'ddd', 'ramal', 'dial', 'sms'],
  website: ['website', 'homepage', 'blog'],
  messenger: ['github', 'orcid', 'keybase', 'skype', 'twitter', 'linkedin', 'bluesky', 'telegram', 'whatsapp', 'discord', 'mastodon', 'facebook', 'instagram', 'xing', 'icq', 'jabber'],
  // location
  address: ['address', 'addresses', 'addr', 'endereco', 'adresse', 'direccion', 'indirizzo', 'adres'],
  street: ['street', 'logradouro', 'strasse', 'rue', 'calle', 'straat'],
  house: ['house', 'hausnummer', 'apartment', 'apt'],
  number: ['number', 'num', 'numero', 'nr', 'serie', 'series'],
  line: ['line'],
  complement: ['complement', 'complemento'],
  neighborhood: ['neighborhood', 'neighbourhood', 'bairro', 'barrio', 'quartier', 'district'],
  city: ['city', 'town', 'cidade', 'ciudad', 'ville', 'stadt', 'ort', 'citta', 'municipio', 'mun', 'locality', 'plaats'],
  postcode: ['postcode', 'postal', 'zip', 'zipcode', 'cep', 'plz', 'postleitzahl'],
  region: ['region', 'province', 'county', 'uf', 'bundesland', 'estado', 'provincia'],
  state: ['state'],
  country: ['country', 'pais', 'land', 'pays', 'paese'],
  latitude: ['latitude', 'lat'],
  longitude: ['longitude', 'lng', 'lon'],
  long: ['long'],
  coordinates: ['coordinates', 'coords', 'geo', 'geolocation', 'gps'],
  location: ['location', 'localizacao', 'standort', 'lieu', 'place', 'places', 'local', 'localidade'],
  residence: ['residence', 'residencia', 'wohnort', 'domicile'],
  work: ['work', 'trabalho', 'arbeit', 'business'],
  // online identifiers
  ip: ['ip', 'ipaddress', 'ipv4', 'ipv6', 'inet'],
  agent: ['agent', 'useragent', 'ua'],
  device: ['device', 'devices', 'idfa', 'gaid', 'imei', 'udid'],
  push: ['push', 'fcm', 'apns', 'gcm'],
  endpoint: ['endpoint'],
  subscription: ['subscription'],
  uid: ['uid', 'uuid', 'xid', 'guid'],
  external: ['external', 'extern', 'remote', 'provider', 'idp', 'oauth', 'openid', 'saml', 'scim', 'ldap', 'sso', 'federated', 'broker'],
  clickid: ['fbclid', 'gclid', 'msclkid', 'ttclid', 'twclid', 'dclid', 'wbraid', 'gbraid', 'yclid'],
  visitor: ['visitor', 'distinct', 'anonymous', 'anon', 'fingerprint_id'],
  salutation: ['greeting', 'salutation', 'anrede', 'saudacao', 'tratamento'],
  fingerprint: ['fingerprint'],
  uri: ['uri', 'url', 'urls', 'link', 'href'],
  actor: ['inbox', 'outbox', 'followers', 'following', 'featured'],
  // financial
  card: ['card', 'cc', 'creditcard'],
  iban: ['iban', 'kontonummer'],
  bank: ['bank', 'banco'],
  account: ['account', 'conta', 'konto'],
  salary: ['salary', 'income', 'wage', 'wages', 'renda', 'salario', 'gehalt', 'einkommen', 'salaire', 'revenu'],
  digits: ['digits', 'last4', 'four'],
  expiry: ['exp', 'expiry', 'expiration', 'expires', 'validade', 'expira', 'expire', 'expired'],
  holder: ['holder', 'titular', 'inhaber', 'depositor', 'kontoinhaber'],
  // government identifiers
  ssn: ['ssn', 'sin', 'nino', 'bsn', 'pesel', 'personnummer', 'aadhaar', 'cpf', 'rg', 'dni', 'nie', 'nif', 'nir', 'sozialversicherungsnummer', 'nis', 'pis', 'pasep', 'sus'],
  tax: ['tax', 'tin', 'taxid', 'steuer', 'steuernummer', 'steuernr', 'fiscal', 'fiscale', 'ustid'],
  vat: ['vat', 'ust', 'btw', 'iva', 'tva', 'mwst'],
  passport: ['passport', 'passaporte', 'reisepass', 'pasaporte', 'passeport'],
  national: ['national', 'nacional'],
  license: ['license', 'licence', 'cnh', 'fuehrerschein'],
  voter: ['eleitor', 'voter', 'eleitoral'],
  certificate: ['certidao', 'certificate'],
  // people an organisation names in its own records
  adviser: ['adviser', 'advisor', 'advisors', 'advisers', 'berater', 'steuerberater', 'accountant', 'notary', 'lawyer', 'director', 'directors'],
  coordinator: ['coordinator', 'coordinador', 'coordenador', 'coordenadora', 'koordinator'],
  identity_card: ['ausweis', 'personalausweis', 'idcard'],
  // health
  health: ['health', 'medical', 'medica', 'medico', 'saude', 'salud', 'sante', 'gesundheit', 'clinical', 'diagnosis', 'diagnose', 'doenca', 'disease', 'krankheit', 'illness', 'allergy', 'alergia', 'allergie', 'blood', 'sanguineo', 'sangue', 'medication', 'medicacao', 'medicamento', 'medikament', 'treatment', 'tratamento', 'hospital', 'disability', 'deficiencia', 'behinderung', 'pregnancy', 'vaccine', 'vaccination', 'vacina', 'smoker', 'fumante', 'epiletico', 'epilepsy', 'diabetes', 'diabetico', 'asthma', 'asmatico', 'hipertenso', 'hypertension', 'hemofilico', 'insulina', 'insulin', 'psicologico', 'psychological', 'trauma', 'fratura', 'laudo', 'symptom', 'symptoms', 'prescription', 'rh'],
  measure: ['height', 'altura', 'weight', 'peso', 'gewicht'],
  biometric: ['biometric', 'biometrics', 'faceprint', 'voiceprint', 'retina', 'iris', 'facial', 'embedding'],
  // free text
  text: ['body', 'message', 'messages', 'comment', 'comments', 'note', 'notes', 'text', 'content', 'feedback', 'review', 'remarks', 'remark', 'observacao', 'observacoes', 'obs', 'bemerkung', 'notiz', 'kommentar', 'nachricht', 'commentaire', 'comentario', 'mensagem', 'mensaje', 'reason', 'motivo', 'grund', 'justification', 'justificativa', 'relato', 'parecer', 'bio', 'about', 'biography', 'description', 'descricao', 'beschreibung', 'summary', 'story', 'answer', 'response', 'responses', 'reply_text'],
  // behavioral
  search: ['search', 'keyword', 'keywords', 'phrase', 'busca'],
  query: ['query'],
  meta: ['meta', 'metadata'],
  file: ['path', 'caminho', 'file', 'arquivo', 'filename', 'image', 'imagem'],
  document: ['document', 'documents', 'documento', 'documentos', 'dokument', 'dokumente'],
  identifier: ['identifier', 'identificador'],
  sentiment: ['sentiment', 'mood'],
  referrer: ['referrer', 'referer'],
  // things that say a column is about data, not data itself
  at: ['at', 'on', 'time', 'timestamp', 'datetime', 'date', 'dt', 'datum', 'when', 'tempo'],
  flag: ['verified', 'confirmed', 'enabled', 'disabled', 'enable', 'disable', 'allowed', 'allow', 'required', 'optional', 'valid', 'validated', 'visible', 'hidden', 'hide', 'show', 'is', 'has', 'can', 'should', 'use', 'uses', 'opt', 'opted', 'unsubscribed', 'sent', 'send', 'collect', 'synced', 'offered', 'changes', 'changed', 'presume', 'continuity', 'keep', 'receive', 'save', 'preserve', 'restrict', 'restricted', 'disallow', 'disposable', 'free', 'lock', 'locked', 'detection'],
  count: ['count', 'counter', 'total', 'number_of', 'attempts', 'quota', 'limit', 'max', 'min', 'size', 'length', 'period', 'seconds', 'minutes', 'hours', 'days', 'months', 'interval', 'batching', 'version', 'retries', 'rate', 'score', 'duration', 'timeout', 'ttl', 'qty', 'quantity', 'percent', 'ratio', 'order', 'sort', 'index', 'rank', 'priority', 'weight_factor'],
  setting: ['setting', 'settings', 'config', 'configuration', 'preference', 'preferences', 'policy', 'visibility', 'notification', 'notifications', 'notify', 'template', 'templates', 'subject', 'regex', 'pattern', 'domain', 'domains', 'restrictions', 'restriction', 'format', 'mode', 'status', 'type', 'kind', 'method', 'methods', 'strategy', 'flags', 'hostname', 'host', 'server', 'smtp', 'imap', 'port', 'prefix', 'suffix', 'placeholder', 'label', 'language', 'locale', 'timezone', 'zone', 'currency', 'color', 'theme', 'icon', 'emoji', 'algo', 'algorithm', 'idempotency', 'checksum', 'error', 'errors', 'exception', 'failure', 'class', 'unit', 'units', 'configuracoes', 'configuracao', 'parametro', 'parametros', 'view', 'canned', 'preset', 'iv', 'enum', 'default'],
}

/** Word → concept. */
export const CONCEPT_OF: ReadonlyMap<string, string> = new Map(Object.entries(CONCEPTS).flatMap(([concept, words]) => words.map(word => [word, concept] as const)))

/** What tables hold, by the words of their names. */
export const PERSON_WORDS = new Set([
  'user', 'person', 'people', 'persons', 'pessoa', 'pessoas', 'persona', 'personne', 'member', 'members', 'mitglied', 'membro',
  'customer', 'customers', 'kunde', 'kunden', 'cliente', 'clientes', 'client_user', 'contact', 'contacts', 'kontakt', 'contato', 'contatos',
  'employee', 'employees', 'mitarbeiter', 'funcionario', 'funcionarios', 'empleado', 'staff', 'student', 'students', 'aluno', 'alunos',
  'alumno', 'schueler', 'pupil', 'teacher', 'teachers', 'professor', 'docente', 'lehrer', 'patient', 'patients', 'paciente', 'attendee', 'attendees',
  'participant', 'participants', 'guest', 'guests', 'subscriber', 'subscribers', 'fisica', 'applicant',
  'volunteer', 'author', 'authors', 'speaker', 'respondent', 'responsavel', 'servidor', 'individual', 'identity', 'identities', 'admin', 'admins',
  'beneficiary', 'beneficiaries', 'heir', 'dependent', 'dependents', 'relative', 'relatives', 'signatory', 'witness', 'referee', 'tenant_person', 'lead', 'leads',
])
/** Words that extend the person named before them (`user_details`, `userprofile`). */
export const EXTENSION_WORDS = new Set(['details', 'detail', 'profile', 'profiles', 'info', 'infos', 'data', 'extra', 'attributes', 'fisica', 'personal', 'complemento', 'complement'])
export const ORGANISATION_WORDS = new Set([
  'organization', 'organizations', 'organisation', 'organisations', 'org', 'orgs', 'company', 'companies', 'team', 'teams', 'group', 'groups',
  'realm', 'realms', 'workspace', 'workspaces', 'tenant', 'tenants', 'inbox', 'inboxes', 'channel', 'channels', 'warehouse', 'warehouses', 'shop',
  'shops', 'store', 'stores', 'site', 'sites', 'school', 'schools', 'escola', 'escolas', 'institution', 'instituicao', 'namespace', 'namespaces',
  'project', 'projects', 'juridica', 'firma', 'firmen', 'empresa', 'empresas', 'portal', 'defaults', 'default', 'finanzamt', 'office', 'authority',
  'portals', 'server', 'servers', 'instance', 'department', 'departments', 'branch', 'unit', 'units', 'settings', 'setting', 'configuration', 'config',
])
export const MACHINE_WORDS = new Set([
  'app', 'apps', 'application', 'applications', 'integration', 'integrations', 'bot', 'bots', 'webhook', 'webhooks', 'hook', 'hooks', 'runner',
  'runners', 'cluster', 'clusters', 'deploy', 'deployment', 'service', 'services', 'plugin', 'plugins', 'agent_bot', 'mirror', 'mirrors', 'registry',
  'registries', 'upstream', 'upstreams', 'platform', 'provider', 'providers', 'client', 'clients', 'oauth_application', 'machine', 'machines',
  'job', 'jobs', 'pipeline', 'pipelines', 'build', 'builds', 'destination', 'destinations', 'configurations', 'settings', 'setting', 'tracker', 'server',
  'channel', 'channels', 'system', 'source', 'sources', 'repository', 'repositories', 'repo', 'repos', 'cloud', 'connector', 'connectors', 'distribution', 'dast', 'scanner', 'assistant', 'assistants', 'template', 'templates', 'canned', 'preset', 'presets', 'macro', 'macros', 'configuracoes', 'stripe',
])
export const AUTHORED_WORDS = new Set([
  'message', 'messages', 'comment', 'comments', 'note', 'notes', 'post', 'posts', 'statuses', 'review', 'reviews', 'reply', 'replies',
  'feedback', 'chat', 'chats', 'conversation', 'conversations', 'discussion', 'discussions', 'report', 'reports', 'abuse', 'parecer', 'ticket',
  'tickets', 'answer', 'answers', 'response', 'responses', 'submission', 'submissions', 'testimonial', 'diary', 'journal', 'mensagem',
  'mensagens', 'nachricht', 'nachrichten', 'kommentar', 'observacao', 'ocorrencia', 'ocorrencias', 'incidente', 'edit', 'edits', 'draft', 'drafts',
  'timelog', 'timelogs', 'email', 'emails', 'mail', 'mails', 'thread_message', 'copilot_message', 'toot', 'toots', 'memo', 'memos', 'appeal', 'appeals', 'warning', 'warnings',
])

/** Extra words that are not concepts of their own but help split glued names (`userprofile`, `useragent`). */
const GLUE = ['audit', 'shipto', 'mailing', 'home', 'face', 'template', 'site', 'billing', 'archived', 'scheduled', 'draft', 'pending', 'deleted', 'custom', 'field', 'fields', 'key', 'keys', 'profile', 'number', 'id', 'ids', 'primary', 'secondary', 'other', 'old', 'new', 'current', 'previous', 'main', 'for', 'of', 'by', 'to', 'from', 'in', 'out', 'created', 'updated', 'owner', 'member', 'person', 'people', 'customer', 'contact', 'account', 'workspace', 'info', 'details', 'detail', 'value', 'values', 'data', 'link', 'links', 'type', 'source', 'target', 'group', 'team']

/** Words a glued name may be split into: concept words of four letters or more, and the words naming tables. */
const KNOWN = new Set([...[...CONCEPT_OF.keys()].filter(w => w.length >= 4), ...GLUE, ...PERSON_WORDS, ...EXTENSION_WORDS, ...ORGANISATION_WORDS, ...MACHINE_WORDS, ...AUTHORED_WORDS].filter(w => w.length >= 3))

export function isKnownWord(word: string): boolean {
  return KNOWN.has(word)
}
