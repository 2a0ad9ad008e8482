"""Realistic claim text with a controlled word-frequency spread (no Django imports).

A claim is one sentence of its article: "<claimant> <verb> on <weekday> that <event>." The
event comes from templates filled from vocabularies of places, armed groups, weapons and
targets. Three words have a fixed share of claims, so that search can be timed on a rare, a
common and a very common word; each appears in the claim's statement and in its quote, always
in the same form, and nowhere else in the generated data (titles, claimants, filler sentences,
source titles and citation text avoid them and every word that contains them):

- ``RARE_WORD`` "hovercraft": one claim in every ``RARE_EVERY`` (0.01%), chosen by the claim's
  position so that even a small data set has one;
- ``COMMON_WORD`` "drones": ``COMMON_SHARE`` of claims (4%), as the weapon of the event;
- ``VERY_COMMON_WORD`` "reported": ``VERY_COMMON_SHARE`` of claims (60%), as the claimant's verb.
"""

import random
from bisect import bisect
from datetime import date

RARE_WORD = "hovercraft"
COMMON_WORD = "drones"
VERY_COMMON_WORD = "reported"
SEARCH_WORDS = {"rare": RARE_WORD, "common": COMMON_WORD, "very_common": VERY_COMMON_WORD}

RARE_EVERY = 10_000
COMMON_SHARE = 0.04
VERY_COMMON_SHARE = 0.60

PLACES = [
    "Basra", "Erbil", "Mosul", "Kirkuk", "Tikrit", "Fallujah", "Ramadi", "Baghdad", "Najaf", "Karbala",
    "Sulaymaniyah", "Al-Asad Airbase", "Deir ez-Zor", "Raqqa", "Aleppo", "Idlib", "Homs", "Hama",
    "Latakia", "Daraa", "Palmyra", "Qamishli", "Kobani", "Manbij", "Al-Bukamal", "Beirut", "Tyre",
    "Sidon", "Nabatieh", "Baalbek", "Gaza City", "Rafah", "Khan Younis", "Deir al-Balah", "Jenin",
    "Nablus", "Tulkarm", "Hebron", "Sana'a", "Hodeidah", "Marib", "Taiz", "Aden", "Saada", "Mukalla",
    "Kharkiv", "Mariupol", "Bakhmut", "Kherson", "Zaporizhzhia", "Odesa", "Donetsk", "Luhansk",
    "Sumy", "Avdiivka", "Mykolaiv", "Kramatorsk", "Pokrovsk", "Chernihiv", "Dnipro", "Izium",
    "Belgorod", "Kursk", "Khartoum", "Omdurman", "El Fasher", "Nyala", "El Geneina", "Port Sudan",
    "Wad Madani", "Juba", "Malakal", "Bor", "Goma", "Bunia", "Beni", "Rutshuru", "Bukavu",
    "Mogadishu", "Kismayo", "Baidoa", "Beledweyne", "Garissa", "Maiduguri", "Damaturu", "Bama",
    "Timbuktu", "Gao", "Kidal", "Mopti", "Menaka", "Ouagadougou", "Djibo", "Niamey", "Tillaberi",
    "Diffa", "Tripoli", "Benghazi", "Misrata", "Sirte", "Derna", "Kandahar", "Herat", "Kunduz",
    "Jalalabad", "Mazar-i-Sharif", "Lashkar Gah", "Peshawar", "Quetta", "Mekelle", "Adigrat",
    "Gondar", "Bahir Dar", "Lalibela", "Sittwe", "Myitkyina", "Lashio", "Hpakant", "Marawi",
    "Cotabato", "Stepanakert", "Agdam", "Tskhinvali", "Sukhumi", "Bangui", "Bambari", "Kaga-Bandoro",
    "Cabo Delgado", "Mocimboa da Praia", "Pemba", "Bamenda", "Buea", "Kumba", "Ndele", "Abeche",
    "Port-au-Prince", "Cite Soleil", "Tumaco", "Catatumbo", "Culiacan", "Reynosa",
]  # fmt: skip

COUNTRIES = [
    ("Iraq", "IQ"), ("Syria", "SY"), ("Lebanon", "LB"), ("Israel", "IL"), ("Yemen", "YE"),
    ("Ukraine", "UA"), ("Russia", "RU"), ("Sudan", "SD"), ("South Sudan", "SS"), ("Congo", "CD"),
    ("Somalia", "SO"), ("Nigeria", "NG"), ("Mali", "ML"), ("Burkina Faso", "BF"), ("Niger", "NE"),
    ("Libya", "LY"), ("Afghanistan", "AF"), ("Pakistan", "PK"), ("Ethiopia", "ET"), ("Myanmar", "MM"),
    ("Philippines", "PH"), ("Armenia", "AM"), ("Azerbaijan", "AZ"), ("Georgia", "GE"),
    ("Central African Republic", "CF"), ("Mozambique", "MZ"), ("Cameroon", "CM"), ("Chad", "TD"),
    ("Haiti", "HT"), ("Colombia", "CO"), ("Mexico", "MX"), ("United States", "US"),
    ("United Kingdom", "GB"), ("France", "FR"), ("Germany", "DE"), ("Turkey", "TR"), ("Iran", "IR"),
    ("Jordan", "JO"), ("Egypt", "EG"), ("Kenya", "KE"), ("Qatar", "QA"), ("Switzerland", "CH"),
]  # fmt: skip

GROUPS = [
    "the Islamic State group", "Hezbollah", "Kataib Hezbollah", "the Houthi movement", "Hamas",
    "the Rapid Support Forces", "al-Shabaab", "the Wagner Group", "the Syrian Democratic Forces",
    "Hayat Tahrir al-Sham", "the Taliban", "the M23 rebels", "Boko Haram", "a local militia",
    "an armed group", "pro-government forces", "separatist fighters", "the Popular Mobilization Forces",
    "the Arakan Army", "the Tigray Defence Forces", "Fano militiamen", "the Kachin Independence Army",
    "a breakaway faction", "tribal fighters", "unidentified gunmen",
]  # fmt: skip

FIGHTERS = ["fighters", "soldiers", "militiamen", "insurgents", "gunmen", "mercenaries", "officers"]

WEAPONS = [
    "rockets", "mortar rounds", "artillery shells", "ballistic missiles", "cruise missiles",
    "guided bombs", "glide bombs", "rocket-propelled grenades", "anti-tank missiles",
    "cluster munitions", "car bombs", "improvised explosive devices", "surface-to-air missiles",
    "tank shells", "Grad rockets", "barrel bombs", "air-to-ground missiles", "hand grenades",
]  # fmt: skip

TARGETS = [
    "a military base", "the airport", "a fuel depot", "a power station", "a hospital", "a school",
    "a market", "a residential building", "a bridge", "the port", "an army checkpoint",
    "a police station", "a grain warehouse", "a water treatment plant", "a railway station",
    "an apartment block", "a camp for displaced people", "a mosque", "a church", "the main road",
    "a radar installation", "an ammunition depot", "a bank branch", "a government building",
    "a bakery", "a clinic", "a television tower", "a border crossing", "a university campus",
]  # fmt: skip

AID = [
    "food and medicine", "fuel for the hospitals", "drinking water", "wheat flour",
    "tents and blankets", "surgical supplies", "vaccines", "baby formula",
]  # fmt: skip

DIRECTIONS = [
    "the north", "the south", "the east", "the west", "across the river", "the hills above the town",
    "the sea", "inside the city", "a nearby village",
]  # fmt: skip

CLAIMANTS = [
    "U.S. Central Command", "the Ministry of Defence", "the Interior Ministry", "the army's press office",
    "a military spokesperson", "the provincial governor", "local officials", "a hospital director",
    "the United Nations", "the World Health Organization", "Human Rights Watch",
    "Amnesty International", "the Red Crescent", "the International Committee of the Red Cross",
    "a police spokesman", "rebel commanders", "the coalition command", "the general staff",
    "witnesses", "residents", "civil defence teams", "the health ministry", "a senior official",
    "the state news agency", "the prime minister's office", "a monitoring group", "Airwars",
    "the Syrian Observatory for Human Rights", "the UN refugee agency", "Médecins Sans Frontières",
    "the mayor", "an army general", "the foreign ministry", "a rebel spokesman", "the town council",
]  # fmt: skip

# Attribution verbs other than VERY_COMMON_WORD.
VERBS = ["said", "stated", "announced", "confirmed", "claimed", "told journalists", "alleged"]

WEAPON_EVENTS = [
    "{n} {weapons} struck {target} near {place} on {date}",
    "{weapons} hit {target} in {place} on {date}, killing {k} people",
    "at least {k} civilians were killed when {weapons} hit {target} in {place}",
    "{n} {weapons} were intercepted over {place} on the night of {date}",
    "{target} in {place} was damaged by {weapons} fired from {direction}",
    "{group} received {weapons} from a foreign government before the fighting in {place}",
    "{group} fired {n} {weapons} at {target} in {place} on {date}",
]
OTHER_EVENTS = [
    "{group} took control of {target} outside {place} on {date}",
    "{group} was responsible for the attack on {target} in {place} on {date}",
    "{k} aid workers were detained at a checkpoint near {place}",
    "the convoy carrying {aid} reached {place} on {date}",
    "{k} people were displaced from {place} in the week to {date}",
    "the ceasefire around {place} was broken {n} times on {date}",
    "{k} {fighters} were captured near {place} on {date}",
    "power and water supplies to {place} were cut on {date}",
    "{k} {fighters} of {group} were killed in clashes near {place}",
    "{group} withdrew from {place} on {date}",
]
WEAPON_EVENT_SHARE = 0.45

FILLERS = [
    "The claim could not be independently verified.",
    "Residents described hearing several explosions before dawn.",
    "Emergency services were still searching the area hours later.",
    "The area has seen repeated clashes since {month}.",
    "Satellite images taken the following day showed scorch marks near {place}.",
    "Neither side commented on the figures.",
    "Aid groups said access to {place} remained limited.",
    "The account was disputed by {claimant}.",
    "Local media published photographs of the aftermath.",
    "A spokesperson declined to give further details.",
    "Journalists were not allowed into {place} to check the account.",
    "It was the third such incident in {place} this month.",
    "The figures could not be reconciled with earlier statements.",
    "Hospitals in {place} said they were running short of supplies.",
    "Schools in the district stayed closed for the rest of the week.",
    "Earlier statements had put the number of victims lower.",
]

TITLES = [
    "Fighting near {place}: what we know",
    "Accounts differ over strike in {place}",
    "{Group} accused over {place} attack",
    "Casualty figures from {place} questioned",
    "Inside the battle for {place}",
    "Aid groups warn of worsening conditions in {place}",
    "What happened in {place} on {date}",
    "Officials trade blame after {place} attack",
    "Timeline: the week in {place}",
    "Residents of {place} describe a night of explosions",
    "Who controls {place}?",
    "The contested story of the {place} strike",
]

FIRST_NAMES = [
    "Amira", "Jonas", "Leila", "Omar", "Sofia", "Daniel", "Nadia", "Yusuf", "Hannah", "Karim", "Elena",
    "Tariq", "Mariam", "Lucas", "Fatima", "Pavel", "Aisha", "Samuel", "Ines", "Hassan", "Olena", "Mehdi",
    "Grace", "Ibrahim", "Clara", "Dmytro", "Zainab", "Felix", "Rania", "Thomas",
]  # fmt: skip
LAST_NAMES = [
    "Haddad", "Okafor", "Schmidt", "Rahman", "Kovalenko", "Mensah", "Dubois", "Nasser", "Moreau",
    "Ibrahim", "Petrenko", "Osei", "Farouk", "Lindqvist", "Abdi", "Costa", "Yilmaz", "Novak", "Khalil",
    "Bianchi", "Mwangi", "Sato", "Hussein", "Walsh", "Diallo", "Romero", "Aziz", "Berg", "Kamara",
]  # fmt: skip

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
]  # fmt: skip

RATIONALES = [
    "Cross-checked against {n} independent sources.",
    "The figures match the hospital records.",
    "Satellite imagery confirms the damage described.",
    "The only source is the claimant itself; nothing independent was found.",
    "Video footage was geolocated to the place named in the claim.",
    "Contradicted by the records published by the UN agency.",
]

CITATION_QUOTES = [
    "{k} people were treated at the main hospital in {place}.",
    "Our teams recorded damage to {target} in {place}.",
    "The attack on {place} was carried out by {group}.",
    "We have no information about an attack in {place} on that day.",
    "Images show {target} in {place} largely destroyed.",
    "The numbers given by officials are consistent with our own count.",
]


class FastRandom(random.Random):
    """``random.Random`` with quicker ``choice`` and ``randint`` (millions of calls per load);
    as deterministic for a seed, not as carefully uniform, which made-up text does not need."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def weighted(self, table: tuple[list, list[int]]):
        """One of ``values`` from ``(values, cumulative weights)``."""
        values, cumulative = table
        return values[bisect(cumulative, self.random() * cumulative[-1])]


def fmt_date(value: date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def carries_rare_word(index: int) -> bool:
    """Claim number ``index`` (0-based, counted over the whole data set) has the rare word."""
    return index % RARE_EVERY == 0


def event(rng: random.Random, *, place: str, day: date, common: bool, rare: bool) -> str:
    """One event phrase; with ``common`` or ``rare`` it is about weapons, carrying the word."""
    slots = {
        "place": place,
        "date": fmt_date(day),
        "n": rng.randint(2, 40),
        "k": rng.randint(1, 60),
        "target": rng.choice(TARGETS),
        "group": rng.choice(GROUPS),
        "fighters": rng.choice(FIGHTERS),
        "aid": rng.choice(AID),
        "direction": rng.choice(DIRECTIONS),
    }
    if common or rare or rng.random() < WEAPON_EVENT_SHARE:
        weapons = COMMON_WORD if common else rng.choice(WEAPONS)
        if rare:
            weapons = f"{weapons} launched from a {RARE_WORD}"
        template = rng.choice(WEAPON_EVENTS)
        slots["weapons"] = weapons
    else:
        template = rng.choice(OTHER_EVENTS)
    return template.format(**slots)


def claim_text(rng: random.Random, *, index: int, place: str, day: date) -> tuple[str, str, str]:
    """``(quote, statement, claimant)`` for claim number ``index`` about ``place`` on ``day``.

    The quote is a whole sentence of the article; the statement restates it neutrally."""
    common = rng.random() < COMMON_SHARE
    very_common = rng.random() < VERY_COMMON_SHARE
    what = event(rng, place=place, day=day, common=common, rare=carries_rare_word(index))
    claimant = rng.choice(CLAIMANTS)
    verb = VERY_COMMON_WORD if very_common else rng.choice(VERBS)
    quote = f"{capitalise(claimant)} {verb} on {WEEKDAYS[day.weekday()]} that {what}."
    if very_common:
        statement = f"{capitalise(claimant)} {VERY_COMMON_WORD} that {what}."
    else:
        statement = f"According to {claimant}, {what}."
    return quote, statement, capitalise(claimant)


def filler(rng: random.Random, *, place: str) -> str:
    return rng.choice(FILLERS).format(place=place, month=rng.choice(MONTHS), claimant=rng.choice(CLAIMANTS))


def title(rng: random.Random, *, place: str, day: date) -> str:
    return rng.choice(TITLES).format(place=place, Group=capitalise(rng.choice(GROUPS)), date=fmt_date(day))


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def rationale(rng: random.Random) -> str:
    return rng.choice(RATIONALES).format(n=rng.randint(2, 5))


def citation_quote(rng: random.Random, *, place: str) -> str:
    return rng.choice(CITATION_QUOTES).format(
        k=rng.randint(1, 60), place=place, target=rng.choice(TARGETS), group=rng.choice(GROUPS)
    )


def match_text(rng: random.Random, *, index: int) -> str:
    """A claim statement as a client would send it to be matched against recorded claims."""
    day = date(2025, rng.randint(1, 12), rng.randint(1, 28))
    return claim_text(rng, index=index + 1, place=rng.choice(PLACES), day=day)[1]


def tweet_text(rng: random.Random, *, index: int) -> str:
    """A claim statement as a tweet carries it: a lead-in, a hashtag, a link, a picture and the
    "— Name (@handle) date" trailer of an embedded tweet (claims/matching_text.py removes the
    links and handles, and keeps of the trailer the name, month and year)."""
    place = rng.choice(PLACES)
    statement = match_text(rng, index=index)
    lead = rng.choice(["BREAKING:", "Wow.", "So this happened:", "Unbelievable!", ""])
    tag = "#" + "".join(part.capitalize() for part in place.split())
    day = date(2025, rng.randint(1, 12), rng.randint(1, 28))
    handle = f"user{rng.randint(1, 99_999)}"
    return (
        f"{lead} {statement} {tag} https://t.co/{rng.randint(10**9, 10**10)} "
        f"pic.twitter.com/{rng.randint(10**9, 10**10)} — Some One (@{handle}) {day:%B} {day.day}, {day.year}"
    ).strip()
