// Pools of realistic values for seeded users and groups. Names mix accents, apostrophes, spaces
// and non-Latin scripts on purpose: connectors that mangle Unicode should fail against them.
// Each name carries an ASCII form used to build e-mail addresses.

export type Name = readonly [display: string, ascii: string];

export const GIVEN_NAMES: readonly Name[] = [
  ["Zoë", "zoe"],
  ["Ólafur", "olafur"],
  ["José", "jose"],
  ["François", "francois"],
  ["Søren", "soren"],
  ["Łukasz", "lukasz"],
  ["Chloé", "chloe"],
  ["Mária", "maria"],
  ["Jürgen", "jurgen"],
  ["Siobhán", "siobhan"],
  ["Björn", "bjorn"],
  ["İsmail", "ismail"],
  ["Thảo", "thao"],
  ["Ana", "ana"],
  ["Liam", "liam"],
  ["Olivia", "olivia"],
  ["Noah", "noah"],
  ["Emma", "emma"],
  ["Priya", "priya"],
  ["Aarav", "aarav"],
  ["Wei", "wei"],
  ["Hiroshi", "hiroshi"],
  ["太郎", "taro"],
  ["美咲", "misaki"],
  ["민준", "minjun"],
  ["서연", "seoyeon"],
  ["محمد", "mohammed"],
  ["فاطمة", "fatima"],
  ["Александр", "aleksandr"],
  ["Ольга", "olga"],
  ["Αλέξανδρος", "alexandros"],
  ["Δήμητρα", "dimitra"],
  ["Renée", "renee"],
  ["Nuñez-Ana", "nunezana"],
  ["Kwame", "kwame"],
  ["Amara", "amara"],
];

export const FAMILY_NAMES: readonly Name[] = [
  ["Müller", "muller"],
  ["Núñez", "nunez"],
  ["Ó Súilleabháin", "osullivan"],
  ["Øvergaard", "overgaard"],
  ["Kowalczyk", "kowalczyk"],
  ["Dvořák", "dvorak"],
  ["Åström", "astrom"],
  ["O'Brien", "obrien"],
  ["van der Berg", "vanderberg"],
  ["Da Silva", "dasilva"],
  ["García", "garcia"],
  ["Smith", "smith"],
  ["Johnson", "johnson"],
  ["Kumar", "kumar"],
  ["Sharma", "sharma"],
  ["Chen", "chen"],
  ["Wang", "wang"],
  ["Nguyễn", "nguyen"],
  ["Trần", "tran"],
  ["佐藤", "sato"],
  ["鈴木", "suzuki"],
  ["高橋", "takahashi"],
  ["김", "kim"],
  ["이", "lee"],
  ["Петров", "petrov"],
  ["Иванова", "ivanova"],
  ["حسن", "hassan"],
  ["العلي", "alali"],
  ["Παπαδόπουλος", "papadopoulos"],
  ["Larsson", "larsson"],
  ["Mensah", "mensah"],
  ["Okafor", "okafor"],
];

export const TITLES = [
  "Account Executive",
  "Senior Account Executive",
  "Sales Engineer",
  "Regional Sales Director",
  "Marketing Manager",
  "Content Strategist",
  "Enablement Specialist",
  "Partner Manager",
  "VP Sales, EMEA",
  "Customer Success Manager",
  "Directeur Commercial",
  "営業担当",
  "Менеджер по продажам",
];

export const DEPARTMENTS = [
  "Sales",
  "Marketing",
  "Sales Enablement",
  "Customer Success",
  "Partnerships",
  "Product Marketing",
  "Operations",
];

export const ORGANIZATIONS = ["Acme Corp", "Acme GmbH", "Acme KK", "Acme Ltd"];

export const COUNTRIES = ["US", "GB", "DE", "FR", "JP", "IN", "BR", "AE", "RU", "KR", "IE", "SE"];

export const LANGUAGES = [
  "en_US",
  "en_GB",
  "de_DE",
  "fr_FR",
  "ja_JP",
  "es_ES",
  "pt_BR",
  "ru_RU",
  "ar_AE",
  "ko_KR",
];

export const TIMEZONES = [
  "America/New_York",
  "America/Los_Angeles",
  "Europe/London",
  "Europe/Berlin",
  "Europe/Paris",
  "Asia/Tokyo",
  "Asia/Kolkata",
  "Asia/Dubai",
  "America/Sao_Paulo",
  "Australia/Sydney",
];

export const FUNCTIONS = ["Field Sales", "Inside Sales", "Marketing", "Enablement", "Channel"];

export const LOCATIONS = ["New York", "London", "München", "Paris", "東京", "Bengaluru", "Dubai"];

export const GROUP_NAMES = [
  "All Sales",
  "EMEA Sales",
  "AMER Sales",
  "APAC Sales",
  "Field Sales: EMEA",
  "Product Marketing",
  "Sales Enablement",
  "Partner Network",
  "Customer Success",
  "営業部 東京",
  "Отдел продаж",
  "فريق المبيعات",
  "Équipe Commerciale",
  "Vertrieb DACH",
  "Leadership",
  "New Hires",
  "Content Reviewers",
  "Learning Champions",
  "Legacy Import",
  "Contractors",
];
