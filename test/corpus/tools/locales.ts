/**
 * Small pools of names, places and phrases per language, so that a schema
 * named in Portuguese or German is filled with people and places that look
 * like its users. Common first and family names, real cities with their
 * coordinates and postcode shapes; nobody in particular.
 */
export interface City {
  city: string
  region: string
  postcode: string
  lat: number
  lng: number
}

export interface Locale {
  code: string
  country: string
  countryCode: string
  phonePrefix: string
  firstNames: string[]
  lastNames: string[]
  streets: string[]
  cities: City[]
  /** Things people write: messages, notes, comments, reasons. */
  personalPhrases: string[]
  /** Words for organisations, projects and work objects. */
  orgWords: string[]
  orgSuffixes: string[]
  workNouns: string[]
  workVerbs: string[]
}

const EN: Locale = {
  code: 'en', country: 'United Kingdom', countryCode: 'GB', phonePrefix: '+44',
  firstNames: ['Olivia', 'Amelia', 'Isla', 'Ava', 'Mia', 'Grace', 'Sophia', 'Emily', 'Harper', 'Chloe', 'Noah', 'Oliver', 'George', 'Arthur', 'Leo', 'Harry', 'Jack', 'Oscar', 'Jacob', 'Henry', 'Daniel', 'Samuel', 'Priya', 'Aisha', 'Mohammed', 'Wei', 'Lucas', 'Maya', 'Ethan', 'Zoe'],
  lastNames: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Khan', 'Hughes', 'Edwards', 'Turner', 'Baker', 'Harris', 'Martin', 'Cooper', 'Ward'],
  streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Park Avenue', 'Mill Lane', 'Queens Road', 'Green Lane', 'Manor Road', 'Kings Road', 'Elm Grove', 'Oak Drive'],
  cities: [
    {city: 'London', region: 'Greater London', postcode: 'SW1A 1AA', lat: 51.5072, lng: -0.1276},
    {city: 'Manchester', region: 'Greater Manchester', postcode: 'M1 1AE', lat: 53.4808, lng: -2.2426},
    {city: 'Leeds', region: 'West Yorkshire', postcode: 'LS1 4AP', lat: 53.8008, lng: -1.5491},
    {city: 'Bristol', region: 'Bristol', postcode: 'BS1 5TR', lat: 51.4545, lng: -2.5879},
    {city: 'Edinburgh', region: 'Scotland', postcode: 'EH1 1YZ', lat: 55.9533, lng: -3.1883},
    {city: 'New York', region: 'NY', postcode: '10001', lat: 40.7128, lng: -74.006},
    {city: 'Chicago', region: 'IL', postcode: '60601', lat: 41.8781, lng: -87.6298},
    {city: 'Austin', region: 'TX', postcode: '73301', lat: 30.2672, lng: -97.7431},
  ],
  personalPhrases: ['Thanks for getting back to me so quickly.', 'I moved house last month, please update my details.', 'My daughter has a dentist appointment on Friday, can we reschedule?', 'I was charged twice for the same order.', 'Please call me after 6pm, I am at work during the day.', 'Loved the concert last night, see you all next week!', 'He keeps sending me abusive messages.', 'I would like my account closed and my data deleted.', 'Happy birthday! Hope you have a great day.', 'The delivery driver left the parcel with my neighbour at number 12.', 'Can you send the invoice to my personal address instead?', 'I have been feeling unwell, working from home today.'],
  orgWords: ['Northwind', 'Acme', 'Bluebird', 'Summit', 'Riverside', 'Granite', 'Lighthouse', 'Evergreen', 'Copper', 'Harbour', 'Pioneer', 'Atlas'],
  orgSuffixes: ['Ltd', 'Inc', 'Labs', 'Group', 'Partners', 'Logistics', 'Studio', 'Foundation'],
  workNouns: ['release', 'roadmap', 'invoice run', 'onboarding flow', 'dashboard', 'migration', 'budget review', 'sprint', 'newsletter', 'survey', 'pipeline', 'checkout'],
  workVerbs: ['Plan', 'Review', 'Ship', 'Fix', 'Improve', 'Audit', 'Prepare', 'Update'],
}

const DE: Locale = {
  code: 'de', country: 'Deutschland', countryCode: 'DE', phonePrefix: '+49',
  firstNames: ['Anna', 'Lena', 'Marie', 'Sophie', 'Laura', 'Julia', 'Hannah', 'Lea', 'Katharina', 'Sabine', 'Lukas', 'Jonas', 'Felix', 'Maximilian', 'Leon', 'Paul', 'Tobias', 'Stefan', 'Michael', 'Thomas', 'Andreas', 'Jürgen', 'Monika', 'Ursula', 'Emre', 'Elif', 'Niklas', 'Johanna', 'Matthias', 'Birgit'],
  lastNames: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Yılmaz', 'Werner', 'Krause', 'Lehmann', 'Köhler'],
  streets: ['Hauptstraße', 'Schulstraße', 'Gartenstraße', 'Bahnhofstraße', 'Dorfstraße', 'Bergstraße', 'Birkenweg', 'Lindenstraße', 'Kirchstraße', 'Waldstraße', 'Ringstraße', 'Mühlenweg'],
  cities: [
    {city: 'Berlin', region: 'Berlin', postcode: '10115', lat: 52.52, lng: 13.405},
    {city: 'Hamburg', region: 'Hamburg', postcode: '20095', lat: 53.5511, lng: 9.9937},
    {city: 'München', region: 'Bayern', postcode: '80331', lat: 48.1351, lng: 11.582},
    {city: 'Köln', region: 'Nordrhein-Westfalen', postcode: '50667', lat: 50.9375, lng: 6.9603},
    {city: 'Leipzig', region: 'Sachsen', postcode: '04109', lat: 51.3397, lng: 12.3731},
    {city: 'Freiburg im Breisgau', region: 'Baden-Württemberg', postcode: '79098', lat: 47.999, lng: 7.8421},
  ],
  personalPhrases: ['Vielen Dank für die schnelle Rückmeldung.', 'Ich bin umgezogen, bitte die neue Adresse verwenden.', 'Bitte rufen Sie mich nach 18 Uhr an.', 'Die Rechnung wurde doppelt abgebucht.', 'Meine Tochter ist krank, ich komme morgen nicht.', 'Bitte löschen Sie mein Konto und alle meine Daten.', 'Lieferung bitte beim Nachbarn abgeben.', 'Herzlichen Glückwunsch zum Geburtstag!'],
  orgWords: ['Nordlicht', 'Bergmann', 'Sonnenhof', 'Rheintal', 'Elbe', 'Tannenberg', 'Weitblick', 'Kupfer'],
  orgSuffixes: ['GmbH', 'AG', 'KG', 'e.V.', 'GmbH & Co. KG', 'UG'],
  workNouns: ['Angebot', 'Lieferschein', 'Projektplan', 'Inventur', 'Jahresabschluss', 'Auftrag', 'Wartung', 'Schulung'],
  workVerbs: ['Prüfen', 'Erstellen', 'Planen', 'Abschließen', 'Aktualisieren', 'Freigeben'],
}

const PT: Locale = {
  code: 'pt', country: 'Brasil', countryCode: 'BR', phonePrefix: '+55',
  firstNames: ['Maria', 'Ana', 'Juliana', 'Fernanda', 'Camila', 'Beatriz', 'Larissa', 'Gabriela', 'Mariana', 'Luana', 'João', 'José', 'Pedro', 'Lucas', 'Gabriel', 'Rafael', 'Mateus', 'Gustavo', 'Felipe', 'Bruno', 'Thiago', 'Carlos', 'Antônio', 'Francisca', 'Raimunda', 'Vitória', 'Heitor', 'Enzo', 'Valentina', 'Davi'],
  lastNames: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes', 'Costa', 'Ribeiro', 'Martins', 'Carvalho', 'Almeida', 'Lopes', 'Soares', 'Fernandes', 'Vieira', 'Barbosa', 'Rocha', 'Dias', 'Nascimento', 'Andrade', 'Moreira', 'Nunes', 'Marques', 'Machado', 'Mendes', 'Freitas'],
  streets: ['Rua das Flores', 'Avenida Brasil', 'Rua São José', 'Rua Sete de Setembro', 'Avenida Getúlio Vargas', 'Rua Tiradentes', 'Rua XV de Novembro', 'Travessa Santa Luzia', 'Rua Dom Pedro II', 'Avenida Paulista', 'Rua Bahia', 'Rua do Comércio'],
  cities: [
    {city: 'São Paulo', region: 'SP', postcode: '01310-100', lat: -23.5505, lng: -46.6333},
    {city: 'Rio de Janeiro', region: 'RJ', postcode: '20040-020', lat: -22.9068, lng: -43.1729},
    {city: 'Belo Horizonte', region: 'MG', postcode: '30130-010', lat: -19.9167, lng: -43.9345},
    {city: 'Criciúma', region: 'SC', postcode: '88801-000', lat: -28.6775, lng: -49.3697},
    {city: 'Recife', region: 'PE', postcode: '50030-230', lat: -8.0476, lng: -34.877},
    {city: 'Salvador', region: 'BA', postcode: '40020-000', lat: -12.9714, lng: -38.5014},
    {city: 'Porto Alegre', region: 'RS', postcode: '90010-150', lat: -30.0346, lng: -51.2177},
  ],
  personalPhrases: ['Aluno apresentou atestado médico referente à falta.', 'Responsável solicitou transferência para o turno da tarde.', 'Mudou de endereço, atualizar cadastro.', 'A mãe pediu para ligar depois das 18h.', 'Aluno com dificuldade de leitura, acompanhar.', 'Obrigado pelo retorno rápido.', 'Favor excluir meus dados do sistema.', 'Precisa de transporte escolar adaptado.'],
  orgWords: ['Escola Municipal', 'Centro Educacional', 'Colégio Estadual', 'Escola Estadual', 'Creche Municipal', 'Instituto'],
  orgSuffixes: ['Monteiro Lobato', 'Cecília Meireles', 'Paulo Freire', 'Santos Dumont', 'Anita Garibaldi', 'Castro Alves'],
  workNouns: ['turma', 'série', 'disciplina', 'avaliação', 'matrícula', 'calendário letivo', 'boletim', 'componente curricular'],
  workVerbs: ['Cadastrar', 'Revisar', 'Atualizar', 'Lançar', 'Fechar', 'Planejar'],
}

const LOCALES: Record<string, Locale> = {en: EN, de: DE, pt: PT}

/** The pools for a schema's language; English for languages without pools of their own. */
export function localeFor(language: string): Locale {
  return LOCALES[language.slice(0, 2).toLowerCase()] ?? EN
}
