"""What the intake assistant knows about words, in one place an analyst can extend.

Every list is plain data: lower-case phrases, matched on word boundaries in
English text. Order matters where noted (longer phrases first). Nothing here
is a rule about records; `assistant.py` reads these tables.
"""

from operations.models import Claim, LocationPrecision, OperationKind, Outcome, Source

# --- operations ------------------------------------------------------------------

# Words that name an operation, longest first: "drone strike" before "strike".
OPERATION_KINDS = [
    ("helicopter-borne raid", OperationKind.HELICOPTER_RAID),
    ("heliborne raid", OperationKind.HELICOPTER_RAID),
    ("helicopter raid", OperationKind.HELICOPTER_RAID),
    ("helicopter assault", OperationKind.HELICOPTER_RAID),
    ("airborne raid", OperationKind.HELICOPTER_RAID),
    ("drone strike", OperationKind.DRONE_STRIKE),
    ("drone attack", OperationKind.DRONE_STRIKE),
    ("uav strike", OperationKind.DRONE_STRIKE),
    ("air strike", OperationKind.AIRSTRIKE),
    ("airstrike", OperationKind.AIRSTRIKE),
    ("air raid", OperationKind.AIRSTRIKE),
    ("precision strike", OperationKind.AIRSTRIKE),
    ("ground raid", OperationKind.GROUND_RAID),
    ("ground operation", OperationKind.GROUND_RAID),
    ("commando raid", OperationKind.GROUND_RAID),
    ("capture operation", OperationKind.CAPTURE),
    ("capture raid", OperationKind.CAPTURE),
    ("capture", OperationKind.CAPTURE),
    ("arrest operation", OperationKind.CAPTURE),
    ("airdrop operation", OperationKind.HELICOPTER_RAID),
    ("air-drop operation", OperationKind.HELICOPTER_RAID),
    ("airborne operation", OperationKind.HELICOPTER_RAID),
    ("air assault", OperationKind.HELICOPTER_RAID),
    ("security operation", OperationKind.OTHER),
    ("military operation", OperationKind.OTHER),
    ("strike", OperationKind.AIRSTRIKE),
    ("raid", OperationKind.GROUND_RAID),
    ("operation", OperationKind.OTHER),
]

# Verbs that report an operation without naming it: "a drone struck a car",
# "forces raided a house". A new operation when the sentence gives its own date
# or none was reported before; otherwise more about the one being told. One
# operation a sentence: "forces raided a house and captured two men" is one raid.
OPERATION_VERBS = [
    ("drone struck", OperationKind.DRONE_STRIKE),
    ("drones struck", OperationKind.DRONE_STRIKE),
    ("drone hit", OperationKind.DRONE_STRIKE),
    ("drone targeted", OperationKind.DRONE_STRIKE),
    ("aircraft struck", OperationKind.AIRSTRIKE),
    ("aircraft bombed", OperationKind.AIRSTRIKE),
    ("warplanes struck", OperationKind.AIRSTRIKE),
    ("warplanes bombed", OperationKind.AIRSTRIKE),
    ("jets struck", OperationKind.AIRSTRIKE),
    ("raided", OperationKind.GROUND_RAID),
    ("stormed", OperationKind.GROUND_RAID),
    ("forces captured", OperationKind.CAPTURE),
    ("forces arrested", OperationKind.CAPTURE),
    ("forces detained", OperationKind.CAPTURE),
    ("troops captured", OperationKind.CAPTURE),
]

# An operation of no telling kind ("a separate operation") whose words say what
# was done takes that kind: "arrested three suspects" makes it a capture.
KIND_FROM_DEEDS = [
    ("arrested", OperationKind.CAPTURE),
    ("captured", OperationKind.CAPTURE),
    ("detained", OperationKind.CAPTURE),
    ("the arrest of", OperationKind.CAPTURE),
]

# A kind word after one of these verbs is a statement about the operation being
# told, not another one: "the US military confirmed a strike in Raqqa".
CONFIRMING_VERBS = ["confirmed", "acknowledged", "denied", "admitted", "disputed", "verified"]

# Words before a kind word that change it: a "strike" by a drone is a drone strike.
# (word, kind it changes, kind it makes), looked for among the four words before
# the kind word: "coalition helicopters carried out a raid" is a helicopter raid.
KIND_MODIFIERS = [
    ("drone", OperationKind.AIRSTRIKE, OperationKind.DRONE_STRIKE),
    ("drones", OperationKind.AIRSTRIKE, OperationKind.DRONE_STRIKE),
    ("helicopter", OperationKind.GROUND_RAID, OperationKind.HELICOPTER_RAID),
    ("helicopters", OperationKind.GROUND_RAID, OperationKind.HELICOPTER_RAID),
    ("helicopter", OperationKind.OTHER, OperationKind.HELICOPTER_RAID),
    ("helicopters", OperationKind.OTHER, OperationKind.HELICOPTER_RAID),
]

# A kind word after one of these words introduces an operation not yet mentioned.
NEW_OPERATION_WORDS = {"a", "an", "another", "one", "second", "separate", "earlier", "new"}

# A kind word after one of these words refers to an operation already mentioned.
SAME_OPERATION_WORDS = {"the", "this", "that", "its", "same"}

# Sentences that only discuss operations in general ("strikes have weakened the
# group") propose none: a kind word must be singular to start an operation.

# Demonyms and short names of the forces that conduct operations, and the
# organisation (its canonical name or an alias) they stand for.
FORCE_WORDS = {
    "us": "US Central Command",
    "u.s.": "US Central Command",
    "american": "US Central Command",
    "coalition": "US Central Command",
    "us-led": "US Central Command",
}

# --- targets and outcomes ------------------------------------------------------

# Verbs that tell a target's fate, longest first. "Blew himself up" before "blew".
OUTCOME_WORDS = [
    ("blew himself up", Outcome.DIED_BY_OWN_HAND),
    ("blew himself and", Outcome.DIED_BY_OWN_HAND),
    ("detonated a suicide vest", Outcome.DIED_BY_OWN_HAND),
    ("detonated an explosive vest", Outcome.DIED_BY_OWN_HAND),
    ("killed himself", Outcome.DIED_BY_OWN_HAND),
    ("took his own life", Outcome.DIED_BY_OWN_HAND),
    ("escaped", Outcome.ESCAPED),
    ("fled", Outcome.ESCAPED),
    ("got away", Outcome.ESCAPED),
    ("survived", Outcome.UNHARMED),
    ("unharmed", Outcome.UNHARMED),
    ("killed", Outcome.KILLED),
    ("kills", Outcome.KILLED),
    ("kill", Outcome.KILLED),
    ("killing", Outcome.KILLED),
    ("dead", Outcome.KILLED),
    ("died", Outcome.KILLED),
    ("eliminated", Outcome.KILLED),
    ("wounded", Outcome.WOUNDED),
    ("wounding", Outcome.WOUNDED),
    ("injured", Outcome.WOUNDED),
    ("injuring", Outcome.WOUNDED),
    ("captured", Outcome.CAPTURED),
    ("capturing", Outcome.CAPTURED),
    ("captures", Outcome.CAPTURED),
    ("capture", Outcome.CAPTURED),
    ("detained", Outcome.CAPTURED),
    ("detaining", Outcome.CAPTURED),
    ("arrested", Outcome.CAPTURED),
    ("arresting", Outcome.CAPTURED),
    ("seized", Outcome.CAPTURED),
    ("the arrest of", Outcome.CAPTURED),
    ("taken into custody", Outcome.CAPTURED),
]

# Words by which a sentence names the people a count before it was about: "killed
# two senior figures. The command named them as X and Y" (X and Y were killed).
NAMING_PHRASES = [
    "named them as",
    "named them",
    "identified them as",
    "identified them",
    "named the dead as",
    "identified the dead as",
    "named him as",
    "identified him as",
    "named the man as",
    "identified the man as",
    "named the men as",
    "identified the men as",
    "identified as",
    "named as",
]

# Nouns for one person an outcome befalls before the text names them: "killed an
# ISIS official. The official named the man as X" (X was killed).
ONE_PERSON_NOUNS = ["man", "militant", "fighter", "suspect", "target"]

# Unnamed targets: one person described, not named ("one of his associates").
UNNAMED_TARGET_NOUNS = [
    "associate",
    "aide",
    "bodyguard",
    "companion",
    "courier",
    "driver",
    "guard",
    "relative",
    "son",
    "brother",
    "wife",
]

# Words that start a role given after a name: "Maher al-Agal, a senior leader".
ROLE_STARTS = {"a", "an", "the", "who", "isis's", "the group's"}

# Kunya and name particles that may start or join a personal name.
NAME_PARTICLES = {"abu", "abou", "umm", "ibn", "bin", "bint", "al", "el", "ad", "ash", "as", "az"}

# Capitalised words that are never the start of a person's name.
NOT_NAMES = {
    "the",
    "a",
    "an",
    "on",
    "in",
    "at",
    "last",
    "this",
    "that",
    "it",
    "he",
    "she",
    "they",
    "his",
    "her",
    "their",
    "its",
    "we",
    "our",
    "according",
    "but",
    "and",
    "however",
    "meanwhile",
    "earlier",
    "later",
    "after",
    "before",
    "during",
    "since",
    "when",
    "while",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "us",
    "u.s.",
    "american",
    "iraqi",
    "syrian",
    "kurdish",
    "russian",
    "turkish",
    "coalition",
    "isis",
    "isil",
    "daesh",
    "centcom",
    "pentagon",
    "telegram",
    "twitter",
    "x",
    "reuters",
    "mr",
    "gen",
    "general",
    "president",
    "minister",
    "colonel",
    "spokesman",
    "spokeswoman",
    "officials",
    "sources",
    "no",
    "one",
    "two",
    "three",
    "several",
    "some",
    "many",
}

# --- counts --------------------------------------------------------------------

NUMBER_WORDS = {
    "no": 0,
    "none": 0,
    "zero": 0,
    "a": 1,
    "an": 1,
    "one": 1,
    "single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a dozen": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "a hundred": 100,
}

# Vague quantities: (low, high). "Several" is at least two; "dozens" at least 24.
VAGUE_COUNTS = {
    "several": (2, None),
    "many": (2, None),
    "a number of": (2, None),
    "some": (2, None),
    "a few": (2, None),
    "a handful of": (2, None),
    "multiple": (2, None),
    "numerous": (2, None),
    "dozens of": (24, None),
    "scores of": (40, None),
    "hundreds of": (200, None),
}

# Words before a number that open its range upwards: "at least 13" is 13 or more.
AT_LEAST_WORDS = ["at least", "more than", "over", "upwards of", "no fewer than", "a minimum of"]
# Words before a number that bound it from above: "up to 5" is 0–5.
AT_MOST_WORDS = ["up to", "at most", "no more than", "fewer than", "less than"]

# Who was counted: the noun decides the side of the casualty category.
COUNT_NOUNS = {
    "civilian": "civilians",
    "civilians": "civilians",
    "child": "civilians",
    "children": "civilians",
    "woman": "civilians",
    "women": "civilians",
    "bystander": "civilians",
    "bystanders": "civilians",
    "resident": "civilians",
    "residents": "civilians",
    "person": "people",
    "people": "people",
    "persons": "people",
    "others": "people",
    "aides": "people",
    "associates": "people",
    "companions": "people",
    "bodyguards": "people",
    "guards": "people",
    "individuals": "people",
    "man": "people",
    "men": "people",
    "fighter": "combatants",
    "fighters": "combatants",
    "militant": "combatants",
    "militants": "combatants",
    "jihadist": "combatants",
    "jihadists": "combatants",
    "terrorist": "combatants",
    "terrorists": "combatants",
    "insurgents": "combatants",
    "gunmen": "combatants",
    "extremists": "combatants",
    "members": "combatants",
    "operatives": "combatants",
    "leaders": "combatants",
    "figures": "combatants",
    "commanders": "combatants",
    "officials": "combatants",
    "suspects": "combatants",
    "officer": "own_forces",
    "officers": "own_forces",
    "policeman": "own_forces",
    "policemen": "own_forces",
    "soldier": "own_forces",
    "soldiers": "own_forces",
    "troops": "own_forces",
    "personnel": "own_forces",
    "service members": "own_forces",
    "servicemembers": "own_forces",
}

# The verb after (or before) the counted noun: killed, wounded or detained.
COUNT_VERBS = {
    "killed": "killed",
    "kills": "killed",
    "dead": "killed",
    "died": "killed",
    "wounded": "wounded",
    "injured": "wounded",
    "hurt": "wounded",
    "detained": "detained",
    "arrested": "detained",
    "captured": "detained",
    "kidnapped": "detained",
    "abducted": "detained",
    "seized": "detained",
    "taken prisoner": "detained",
}

CASUALTY_CATEGORIES = {
    ("civilians", "killed"): Claim.Category.CIVILIANS_KILLED,
    ("civilians", "wounded"): Claim.Category.CIVILIANS_WOUNDED,
    ("civilians", "detained"): Claim.Category.DETAINED,
    ("people", "killed"): Claim.Category.PEOPLE_KILLED,
    ("people", "wounded"): Claim.Category.PEOPLE_WOUNDED,
    ("people", "detained"): Claim.Category.DETAINED,
    ("combatants", "killed"): Claim.Category.COMBATANTS_KILLED,
    ("combatants", "wounded"): Claim.Category.COMBATANTS_WOUNDED,
    ("combatants", "detained"): Claim.Category.DETAINED,
    ("own_forces", "killed"): Claim.Category.OWN_FORCES_KILLED,
    ("own_forces", "wounded"): Claim.Category.OWN_FORCES_WOUNDED,
}

# Openings that make "any" a zero: "there is no indication that any civilians
# were killed or wounded" is civilians killed 0–0 and wounded 0–0.
NO_ANY_OPENINGS = [
    "no indication of",
    "no reports of",
    "no evidence of",
    "no indication that any",
    "no indication any",
    "no reports that any",
    "no evidence that any",
    "no sign that any",
    "not aware of any",
]

# Casualties not broken down into killed and wounded: only "none" can be read,
# as none killed and none wounded of the side.
NO_CASUALTIES = {
    "no civilian casualties": "civilians",
    "no civilian deaths or injuries": "civilians",
    "no casualties among civilians": "civilians",
    "no civilians were harmed": "civilians",
    "no civilians were hurt": "civilians",
}

# "Among them four children": a part of a count, kept as its note.
COUNT_NOTE_STARTS = ["among them", "including", "among whom", "of whom", "of them"]

# --- attribution -----------------------------------------------------------------

# Verbs of saying; the subject before (or after) one is who made the claim.
SAYING_VERBS = [
    "said",
    "says",
    "announces",
    "declared",
    "told",
    "stated",
    "reported",
    "announced",
    "confirmed",
    "claimed",
    "added",
    "wrote",
    "posted",
    "alleged",
    "denied",
]

# Where a statement was made, kept with the attribution: "…, on Telegram".
CHANNEL_PHRASES = [
    "in a statement",
    "in a press release",
    "in a news release",
    "in a post",
    "on telegram",
    "on twitter",
    "on x",
    "on social media",
    "at a press conference",
    "at a briefing",
    "in a briefing",
    "in a broadcast",
]

# "According to X": the attribution is X.
ACCORDING_TO = ["according to", "citing", "as reported by"]

# --- places --------------------------------------------------------------------

# Words before a place that say how precisely it is meant, longest first.
NEAR_WORDS = [
    "on the outskirts of",
    "in the vicinity of",
    "in the countryside of",
    "in the area of",
    "not far from",
    "close to",
    "outside",
    "near",
    "nearby",
    "around",
    "east of",
    "west of",
    "north of",
    "south of",
]

# Lower-case words that end a vague place the text names: "the Syrian desert".
VAGUE_PLACE_NOUNS = ["desert", "border", "countryside", "steppe", "mountains", "border area"]

# "Northern Syria", "north-west Syria": a region of the country, never a point.
REGION_WORDS = [
    "north-west",
    "north-western",
    "northwest",
    "northwestern",
    "north-east",
    "north-eastern",
    "northeast",
    "northeastern",
    "south-west",
    "south-western",
    "southwest",
    "southwestern",
    "south-east",
    "south-eastern",
    "southeast",
    "southeastern",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "north",
    "south",
    "east",
    "west",
]

# Lower-case words that end a place's name as reports write it: "Kirkuk province"
# is the governorate, "Kirkuk" the town.
PLACE_KIND_WORDS = {"province", "governorate"}

# The location precision a place of each kind gives when the text says "in X".
PRECISION_OF_PLACE_KIND = {
    "site": LocationPrecision.EXACT,
    "settlement": LocationPrecision.EXACT,
    "district": LocationPrecision.DISTRICT,
    "province": LocationPrecision.PROVINCE,
    "region": LocationPrecision.REGION,
    "country": LocationPrecision.COUNTRY,
}

# --- sources -------------------------------------------------------------------

# Phrases at the top of a text that say what kind of document it is.
SOURCE_KIND_WORDS = [
    ("press release", Source.Kind.PRESS_RELEASE),
    ("news release", Source.Kind.PRESS_RELEASE),
    ("for immediate release", Source.Kind.PRESS_RELEASE),
    ("statement by", Source.Kind.OFFICIAL_STATEMENT),
    ("statement from", Source.Kind.OFFICIAL_STATEMENT),
]

# Publishers of these organisation kinds issue press releases, not news articles.
PRESS_RELEASE_PUBLISHERS = {"state_force", "coalition", "government_body"}

# Country names and adjectives, for a place's time zone when no place record is named.
COUNTRY_WORDS = {
    "syria": "SY",
    "syrian": "SY",
    "iraq": "IQ",
    "iraqi": "IQ",
    "turkey": "TR",
    "türkiye": "TR",
    "turkish": "TR",
    "jordan": "JO",
    "jordanian": "JO",
    "lebanon": "LB",
    "lebanese": "LB",
    "afghanistan": "AF",
    "afghan": "AF",
    "libya": "LY",
    "libyan": "LY",
    "somalia": "SO",
    "somali": "SO",
    "yemen": "YE",
    "yemeni": "YE",
    "nigeria": "NG",
    "mali": "ML",
    "niger": "NE",
}

# Nouns that end a role written before or after a name: "ISIS leader Abu …",
# "Maher al-Agal, a senior official".
ROLE_NOUNS = {
    "leader",
    "deputy",
    "official",
    "commander",
    "emir",
    "governor",
    "chief",
    "head",
    "spokesman",
    "financier",
    "smuggler",
    "bomb-maker",
    "bombmaker",
    "facilitator",
    "recruiter",
    "operative",
    "figure",
    "member",
    "planner",
    "strategist",
}

# Capitalised words that make a run of names an organisation or a place, not a person.
NOT_PERSON_WORDS = {
    "state",
    "forces",
    "force",
    "command",
    "army",
    "ministry",
    "council",
    "front",
    "brigade",
    "brigades",
    "group",
    "tv",
    "television",
    "agency",
    "news",
    "department",
    "government",
    "police",
    "service",
    "unit",
    "units",
    "coalition",
    "province",
    "governorate",
    "district",
    "city",
    "camp",
    "river",
    "valley",
    "desert",
    "mountains",
    "airport",
    "base",
    "university",
    "cell",
    "media",
    "centre",
    "center",
    "office",
    "court",
    "directorate",
    "committee",
    "authority",
    "authorities",
    "observatory",
    "hospital",
    "street",
}
