"""Language data: every word list the annotators share, one per concept, apart from the logic."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that precede a name as a title or role and are not part of it.
TITLES = _words(
    """
    president vice prime minister ministers mr mr. mrs mrs. ms ms. miss dr dr. sir dame
    king queen prince princess pope chancellor senator sen sen. rep rep. representative
    congressman congresswoman gov gov. governor mayor gen gen. general col col. colonel
    lt lt. lieutenant capt capt. captain sgt sgt. sergeant cmdr commander admiral adm
    adm. marshal secretary foreign defence defense interior finance justice home chief
    chairman chairwoman chair ceo executive director judge rev rev. reverend father
    sheikh sheik imam ayatollah emir sultan professor prof prof. ambassador envoy coach
    manager striker midfielder defender goalkeeper deputy crown archbishop bishop
    cardinal speaker premier warlord leader spokesman spokeswoman spokesperson
    opposition former late president-elect minister-designate first lady st. saint lord
    baroness baron earl duke duchess count countess
    """
)


# Lower-case words that belong to names.
PARTICLES = _words("de da di del della der den van von le la al el bin ibn bint abu du dos das")


# Titles before a name that is the bearer's whole name (`Prince Charles`, `Pope Francis`).
SOLE_NAME_TITLES = _words("king queen prince princess pope emperor empress saint st st.")


# Titles that are also common first names or name parts; stripped only when the
# remaining span still has two name words.
WEAK_TITLES = frozenset({"general", "justice", "chief", "father", "saint", "st.", "lady", "home"})


# Nationalities and trades written before a name (`Briton Tim Henman`, `Director Ang
# Lee`); also surnames, so stripped only before two more name words.
ROLES = _words(
    """
    briton britons scot welshman welshwoman irishman irishwoman englishman englishwoman
    frenchman frenchwoman dutchman olympian compatriot countryman countrywoman teammate
    winger prop centre lock striker forward midfielder cinematographer photographer
    soldier sergeant private officer lawyer attorney candidate nominee activist
    team-mate veteran rookie skipper star legend winger flanker fly-half scrum-half
    full-back hooker bowler batsman keeper goalkeeper pitcher jockey trainer champion
    holder favourite seed singer actor actress director producer author writer novelist
    artist designer rapper comedian presenter host anchor reporter correspondent editor
    analyst economist chef boss founder owner chairman bar tory democrat republican
    labour conservative liberal mp mep senator congressman
    """
)


# Trades and positions that are no one's given name: stripped even before a surname
# alone (`Winger Nitoglia`).
TRADES = _words(
    """
    winger flanker fly-half scrum-half full-back hooker prop striker midfielder defender
    goalkeeper bowler batsman pitcher jockey cinematographer photographer producer actor
    actress singer rapper comedian presenter novelist designer director
    """
)


MINISTRY_NOUNS = _words("ministry ministries")


# Verbs of saying whose subject is a person (`Smith said ...`), and the dependencies of
# a subject.
SPEECH_VERBS = _words(
    """
    say tell add note explain state declare announce claim insist argue warn write tweet
    ask reply respond answer suggest acknowledge admit confirm deny recall comment remark
    stress predict promise pledge vow urge complain testify assert contend maintain
    reveal describe quip joke shout whisper mutter exclaim concede allege accuse retort
    """
)


# Last words that make a name a company's (`Leadplex LLC`).
COMPANY_SUFFIXES = _words(
    "inc inc. llc ltd ltd. plc corp corp. co co. ag sa gmbh nv bv spa lp llp group"
)


# Last words that make a "person" a building or a place (`Trump Tower`), or an
# organisation (`Clinton Foundation`, `Manchester United`).
FACILITY_LAST_WORDS = _words(
    """
    tower towers center centre building plaza hall house palace hotel hospital airport
    stadium arena square street road avenue boulevard station mall library museum
    gallery theatre theater cathedral mosque school college
    """
)


# Also surnames (`Mungo Park`, `Wayne Bridge`): a place only after two more words
# (`Franklin Delano Roosevelt Park`).
FACILITY_LAST_WORDS_LONG = _words("park bridge hall church court temple")


ORG_LAST_WORDS = _words(
    """
    foundation institute university party fc afc united rovers wanderers athletic
    association society council committee commission agency company corporation
    campaign group trust fund bank club league union federation alliance network
    ministry department administration dem dems democrat democrats republican republicans
    """
)


# Head nouns that make a name a place when in apposition ("Jufra, an airbase") or
# around it ("the city of Sirte", "Sirte city").
SETTLEMENT_NOUNS = _words(
    """
    city town village capital province district state country county municipality
    suburb neighbourhood neighborhood governorate prefecture enclave oasis
    """
)


AREA_NOUNS = _words("region area valley desert peninsula island islands coast")


FACILITY_NOUNS = _words("airbase base airport port harbour harbor bridge stadium prison camp")


DEMONYM_ENDINGS = ("an", "ans", "ese", "ish", "i", "ic", "ch", "ean")


LOCATIVES = _words("in near outside at across around inside")


TIME_ZONES = frozenset({"GMT", "BST", "UTC", "EST", "EDT", "CST", "PST", "PDT", "CET", "CEST"})


SMALL_WORDS = frozenset({"of", "the", "and", "for", "de", "du", "des", "la", "le", "in", "on", "&"})


NAME_SUFFIXES = _words("jr jr. sr sr. ii iii iv")


TITLE_CASE_SMALL = _words("and the for but nor off out via per from into with over upon")
GENDERED_PRONOUNS = {
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
}
