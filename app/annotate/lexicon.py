"""Language data: every word list the annotators use, one per concept, apart from the logic.

Entities, quotes, dates, the document layer and link resolution read their words from
here (in the manner of spaCy's `lang/en/` data files), so a concept is defined once.
"""

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
PARTICLES = _words("de da di del della der den des van von le la al el bin ibn bint abu du dos das")


# Titles only a person bears, which make the name after them a person's.
PERSON_TITLES = _words("mr mrs ms dr president")
# Titles before a name that is the bearer's whole name (`Prince Charles`, `Pope Francis`).
SOLE_NAME_TITLES = _words("king queen prince princess pope emperor empress saint st st.")
# Speech verbs whose subject is a person: a word at a sentence start that says, tells
# or insists is someone's name. Not the speech verbs an organisation or a trend also
# takes (`announced`, `warned`, `confirmed`, `continued`, `praised`).
PERSON_SPEECH_VERBS = _words(
    """
    say tell add explain insist argue reply respond answer acknowledge admit recall comment
    remark quip joke shout whisper mutter exclaim concede retort testify tweet plead
    """
)


# Kinds of thing written before a name that is one of them (`the game Manhunt`, `US band
# Scissor Sisters`, `broadcaster BSkyB`): the name is that kind's, not a person's.
WORK_KIND_NOUNS = _words(
    """
    game film movie album single song show programme program series book novel play musical
    opera documentary sitcom soap painting
    """
)
ORG_KIND_NOUNS = _words(
    """
    band group firm company broadcaster giant retailer carrier airline chain brand label
    publisher maker manufacturer supermarket bank insurer network channel newspaper
    magazine website
    """
)
# Kinds of organisation a name is said to be one of (`clubs like Everton`, `the Premiership
# club`), besides those: not read right before a name, where they often open a clause
# (`the centrist organization Bill Clinton used`, `the club Smith joined`).
ORG_CLASS_NOUNS = ORG_KIND_NOUNS | _words("club studio university organisation organization")
# Kinds of made thing (`browsers such as Firefox`, `a speed test called Linpack`).
PRODUCT_KIND_NOUNS = _words(
    """
    browser software program application device console handset phone gadget virus worm
    product service engine chip processor benchmark test format
    """
)


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


# Last words that make a "person" an event (`Birmingham Grand Prix`, `Colin McRae Rally`).
EVENT_LAST_WORDS = _words(
    """
    prix championship championships cup games olympics awards festival marathon tournament
    trophy rally regatta
    """
)


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
# Of those, the ones written after a place's name ("Sirte city").
TOWN_NOUNS = _words("city town village")
SETTLEMENT_NOUNS = TOWN_NOUNS | _words(
    """
    capital province district state country county municipality suburb neighbourhood
    neighborhood governorate prefecture enclave oasis
    """
)


AREA_NOUNS = _words("region area valley desert peninsula island islands coast")


FACILITY_NOUNS = _words(
    "airbase base airport port harbour harbor bridge stadium prison camp station"
)


DEMONYM_ENDINGS = ("an", "ans", "ese", "ish", "i", "ic", "ch", "ean")


LOCATIVES = _words("in near outside at across around inside")


TIME_ZONES = frozenset({"GMT", "BST", "UTC", "EST", "EDT", "CST", "PST", "PDT", "CET", "CEST"})


# Function words: articles, prepositions, conjunctions, auxiliaries. Left out of an
# acronym's letters, allowed in lower case in a title-case headline, ignored when two
# headlines are compared, and a line ending on one is a broken sentence.
SMALL_WORDS = _words(
    """
    a an the and or but nor as at by for from in into of off on out over per to upon via
    with when while that this it its her his their is are was were be been s
    """
)


NAME_SUFFIXES = _words("jr jr. sr sr. ii iii iv")


# -- speech and cognition -------------------------------------------------------------

# Verb forms that agree with a plural subject only: a name before them is a team or a firm.
PLURAL_VERBS = _words("were are have")

# Verbs that introduce speech or writing: enough to attribute a quotation next to them.

SPEECH_VERBS = _words(
    """
    say tell add note explain state declare announce claim insist argue warn write tweet post
    ask reply respond answer suggest acknowledge admit confirm deny report recall comment remark
    observe stress emphasize emphasise continue conclude predict promise pledge vow urge complain
    testify assert contend maintain mention reveal disclose describe quip joke shout yell scream
    whisper mutter exclaim cry caution concede allege accuse charge counter retort interject
    recount demand propose proclaim boast brag lament signal indicate hint estimate speak inform
    agree tout praise criticize criticise blast slam dismiss question wonder reason muse marvel
    concur echo reiterate repeat assure advise threaten brief opine counsel plead message email
    blog call label dub brand term chant sing recite read cite quote condemn denounce decry
    protest applaud thank apologize apologise reference elaborate mock liken bemoan laud hail
    refer compare deride ridicule lambaste scold chide extol portray characterize characterise
    rate credit blame"""
)
# Verbs putting out a document, whose words are then the publisher's ("released an ad that
# urges ...").
PUBLISHING_VERBS = _words("release issue publish send run post air circulate distribute unveil")
# Verbs whose passive subject is who is spoken to ("was asked by the host, '...'").
ADDRESSING_VERBS = _words("ask tell question press urge challenge interview")
# Where something is put, when "put it" is no way of saying ("put it into the file").
PLACING_WORDS = _words("into onto away back together aside down")
# Marks ending a sentence, and dashes, as tokens.
SENTENCE_END = frozenset({".", "!", "?"})
DASHES = frozenset({"―", "—", "–", "-", "--"})
# Verbs that speak with "back" ("fired back", "hit back at"): a reply.
REPLY_WITH_BACK = _words("fire shoot hit snap")
# Verbs reporting a statement or a belief as a clause ("X thinks that ..."): indirect cues.
REPORTING_VERBS = SPEECH_VERBS | _words(
    """
    think believe feel hope fear expect know learn find show understand realize realise
    worry guess assume doubt consider suspect imagine recognize recognise forecast
    project calculate decide determine rule prove demonstrate"""
)
# Verbs whose object is asked to do something ("urged Y to ...").
REQUEST_VERBS = _words("call urge ask press demand implore beg encourage invite warn")
# Verbs after which what someone is to say is not yet said ("urged Y to announce ...",
# "expects Y to say ..."): requests, and wanting or expecting it.
UNSAID_AFTER_VERBS = REQUEST_VERBS | _words("expect want need challenge dare")
# Verbs of reaching someone ("called her to say ..."): the infinitive after their object
# says why, and the one who called speaks.
CONTACT_VERBS = _words("call phone telephone email text write contact visit")
# Verbs that report a whole clause after them ("X said Tuesday he would ..."), whatever the
# parse made of that clause.
CLAUSE_VERBS = _words(
    """
    say tell claim argue insist note add explain warn write report announce acknowledge admit
    suggest contend maintain predict stress assert testify reiterate confirm emphasize emphasise
    concede allege declare state recall believe think tweet estimate complain agree caution
    observe remark reply respond counter boast concur fear hope"""
)
# Verbs whose object is the hearer, not what is said ("told reporters he would ...").
HEARER_VERBS = _words("tell inform assure warn remind advise brief")

# Words before a quoted name that make it a name, not words said ("a show called '...'").
NAMING_WORDS = _words("called titled entitled named dubbed")

# Nouns that name people by their role, trade or title: a speaker, where another common
# noun is as often a thing ("the platform", "the advertisement").
PEOPLE_NOUNS = TITLES | ROLES | TRADES
# Who speaks in a sentence without naming anyone ("you can't yell 'fire'", "many call it").
GENERIC_SPEAKERS = _words("you we one many some people others everyone anyone nobody someone")
# Documents, which their author or publisher has say what they say.
DOCUMENT_NOUNS = _words(
    """
    statement report survey poll study memo letter email ad advertisement video tweet post
    book editorial website piece article column release clip filing message figure data
    estimate forecast projection transcript
    """
)
# Outlets named by what they are ("the Reuters news agency", "Variety trade magazine").
OUTLET_NOUNS = _words("agency service newspaper paper magazine channel station network wire")
# What else can be quoted saying something: groups and kinds of people, and documents.
SOURCE_NOUNS = DOCUMENT_NOUNS | _words(
    """
    friend critic critics supporter opponent author commission committee council board
    panel campaign group organization organisation agency
    """
)
# Endings of nouns naming who does something ("radioman", "leader", "impostor", "analyst").
AGENT_SUFFIXES = ("man", "woman", "men", "women", "er", "ers", "or", "ors", "ist", "ists")
# Entity types of a name that can sign what it says (and words no type was given).
NAMING_TYPES = frozenset({"", "PERSON", "ORG", "NORP"})
# Entity types that never say anything.
NOT_SOURCE_TYPES = _words("DATE TIME PERCENT MONEY QUANTITY CARDINAL ORDINAL GPE LOC")

# -- parse labels ------------------------------------------------------------------------

# Tags of a verb that has, or needs, a subject of its own ("said", "says", "would").
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
# Dependency labels of a verb's subject.
SUBJECT_DEPS = _words("nsubj nsubjpass")
# A clause's own subject, the dummy "it" and "there" included ("there is no deal").
CLAUSE_SUBJECT_DEPS = SUBJECT_DEPS | _words("expl")
# Words of a name that hang from its head ("Hillary" in "Hillary Clinton").
NAME_PART_DEPS = _words("compound flat")
# Parts of speech that can name a speaker, and those of verbs.
NOMINAL_POS = _words("PROPN NOUN PRON")
VERBAL_POS = _words("VERB AUX")

# -- pronouns and forms of address ------------------------------------------------------

# Third-person pronouns with the gender they refer to.
PRONOUN_GENDER = {
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
}
# The ones that stand for a speaker ("he said", "told him"), not a possessive or reflexive.
PERSONAL_PRONOUNS = {w: PRONOUN_GENDER[w] for w in ("he", "him", "she", "her")}
RELATIVE_PRONOUNS = _words("who which that whom")
# Forms of address with the gender they imply.
HONORIFICS = {
    "mr": "m",
    "mr.": "m",
    "sir": "m",
    "lord": "m",
    "mrs": "f",
    "mrs.": "f",
    "ms": "f",
    "ms.": "f",
    "miss": "f",
    "lady": "f",
    "dame": "f",
}

# -- page furniture and credits ---------------------------------------------------------

# Labels of page furniture that the model sometimes takes for names.
PAGE_FURNITURE = (
    "READ MORE",
    "Read more",
    "Source",
    "Sources",
    "Related",
    "Watch",
    "Listen",
    "Advertisement",
    "Photo",
    "File photo",
    "Video",
    "Image",
    "Caption",
    "Getty Images",
    "Share",
    "Updated",
)
# Organisations and words that make up photo credits such as `AFP`, `Reuters`,
# `Getty Images`, `AA`, `EPA-EFE`, `Handout via Reuters`, `File photo`.
CREDIT_WORDS = _words(
    """
    aa afp ap alamy anadolu agency archive bloomberg courtesy dha efe epa file getty handout
    iha images image ians media nurphoto pa photo photos pool reuters rex shutterstock sipa
    sputnik tass trt trtworld upi via wire world xinhua
    """
)

# -- calendar ---------------------------------------------------------------------------

# Month names and the abbreviations news writes (`Sept.`), with the month's number.
MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
# Words of a date a name never is ("Memorial Day", "Monday").
CALENDAR_WORDS = frozenset(MONTHS) | frozenset(WEEKDAYS) | _words("day eve week weekend")
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
HOLIDAYS = {
    "christmas day": (12, 25),
    "christmas eve": (12, 24),
    "christmas": (12, 25),
    "new year's day": (1, 1),
    "new year's eve": (12, 31),
    "boxing day": (12, 26),
}
