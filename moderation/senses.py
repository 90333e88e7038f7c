"""Listed words with an everyday sense, read in it when the words around say so.

"Our bitch had a litter of six puppies", "the cock crows at dawn", "use a hoe to clear the weeds",
"retard the spark timing", "Offa's Dyke", "a faggot of sticks", "the court convicted him of rape":
a word list cannot tell these from the insult, so each ambiguous term carries the words of its
innocent domain (dog breeding, poultry, gardening, engines, news of a crime ...). A match is
dropped when one of them stands within a few words of it, unless the word is said to someone
("you bitch", "such a dick", "ur a hoe"): then no context makes it innocent. Slurs and insults
are also dropped where the text talks about the word ("that word is a slur", "calling someone a
retard is hurtful").
"""

from __future__ import annotations

from moderation.types import Match

__all__ = ["innocent_sense"]

_WINDOW = 60  # characters looked at on each side of the match
# Words just before a match that aim it at someone: then it is the insult whatever else is near.
_ADDRESSED = frozenset({
    "you", "u", "ya", "yo", "ur", "your", "youre", "you're", "such", "what", "ure", "dirty", "stupid",
    "fucking", "fat", "ugly", "little", "dumb", "filthy", "lying", "worthless",
})


def _words(s: str) -> set[str]:
    return set(s.split())


_POULTRY = _words("rooster roosters hen hens chicken chickens crow crows crowed crowing poultry farm barnyard "
                  "coop flock dawn pheasant pheasants gun rifle pistol hammer trigger molting feathers")
_BREEDING = _words("puppy puppies litter litters whelp whelped whelping breeding breeder breeders kennel "
                   "sire pedigree greyhound spayed lure nymph fly-fishing")
_GARDEN = _words("garden gardening gardener weeds weeding rake rakes shovel shovels spade soil dirt "
                 "tilling rows planting crops trowel allotment")
_ENGINE = _words("timing spark ignition growth flame flames engine degrees decay corrosion valve knocking")
_NEWS = _words("court courts convicted conviction sentenced sentence charged charges accused trial police "
               "arrested arrest victim victims survivor survivors allegation allegations jury prosecutor "
               "prosecutors prison jail investigation investigators offender offenders reported reports "
               "crime crimes law laws register")
# term -> its innocent domains, each with the number of its words that must stand near
_SENSES: dict[str, list[tuple[frozenset[str], int]]] = {}


def _add(terms: str, context: set[str], needed: int = 1) -> None:
    for term in terms.split():
        _SENSES.setdefault(term, []).append((frozenset(context), needed))


_add("cock cocks", _POULTRY | _words("valve valves nozzle boiler cistern tap faucet plumbing pipe pipes lid "
                                     "plumber"))
_add("bitch bitches", _BREEDING | _words("moselle lorraine citadel"))
_add("hoe hoes", _GARDEN | _words("walthamstow"))
_add("coon coons", _words("raccoon raccoons hound hounds hunting trash critter maine"))
_add("fag fags", _words("cigarette cigarettes smoke smoking smoked lighter ashtray tobacco break packet"))
_add("faggot faggots", _words("sticks firewood kindling bundle gravy peas meatball meatballs pork "
                              "butcher freezer onion oven dinner recipe"))
_add("tranny trannies", _words("transmission gearbox gear gears clutch car truck ute engine mechanic fluid "
                               "rebuild shifting manual automatic"))
_add("retard retarded retarding retards", _ENGINE)
_add("dyke dykes", _words("dam dams levee levees flood flooding offa dutch netherlands canal sea "
                          "embankment road polder"))
_add("slut", _words("swedish sweden danish denmark norwegian norway scandinavian"))
_add("bastard bastards", _words("file files sword swords son daughter child children illegitimate king heir "
                                "throne shakespeare play lear gloucester edmund medieval feudal conqueror"))
_add("prick", _words("sausage sausages needle needles finger thorn thorns pin pins skin fork potato potatoes "
                     "holes blister dough pastry"))
_add("scum", _words("pond stock broth soup skim skimmed skimming pool surface algae tank boil boiling fat foam"))
_add("tosser", _words("salad pizza coin caber dough tongs"))
_add("hooker hookers", _words("rugby scrum scrums lineout prop props forward forwards pigment green watercolour "
                              "watercolor paint general blues"))
_add("horny", _words("toad toads lizard lizards goat weed beetle horns coral"))
_add("ass asses", _words("donkey donkeys mule mules balaam animal animals burro foal jenny bible"))
_add("dick", _words("detective detectives private noir pudding spotted custard"))
_add("cooter", _words("turtle turtles reptile pond"))
_add("threesome", _words("golf golfers round tee course foursome fairway"))
_add("tit tits", _words("bird birds blue great coal feeder feeders nest species chickadee"))
_add("spastic", _words("paralysis cerebral palsy muscle muscles diplegia hemiplegia spasticity symptom "
                       "symptoms patient patients colon clinical medical neurological"))
# News of a crime takes two of its words ("convicted ... trial"): "corrupt pedophiles who should
# be court-martialed" is an accusation.
_add("rape raping raped rapist rapists", _NEWS, 2)
_add("rape", _words("lucrece bramber seed oilseed canola field fields crop crops nanking nanjing massacre"))
_add("pedophil paedophil pedo pedos molester", _NEWS | _words("paper news ring priest"), 2)
_add("porn", _words("food addiction industry research study studies podcast ban legislation earth"))
_add("anal", _words("fissure fissures gland glands sac sacs canal fin fins stage freudian cancer doctor "
                    "medical exam bleeding hemorrhoids"))
_add("orgasm orgasms", _words("study studies variable variables frequency research survey participants"))
_add("lesbo", _words("island greek greece aegean mytilene sappho refugees ferry"))
_add("dildo", _words("newfoundland canada town village bay"))
_add("fuck", _words("austria austrian village fugging salzburg"))
_add("gaylord gaylords", _words("michigan hotel hotels resort perry name named"))
_add("slag", _words("furnace iron steel heap heaps cement smelting metal blast concrete mining mine quarry"))
_add("redskin redskins", _words("team commanders washington nfl football renamed mascot"))

# A text that talks about a slur rather than using one: "that word is a slur", "calling someone
# a retard is hurtful".
_SLUR_WORDS = frozenset({"slur", "slurs"})
_MENTION = frozenset({"offensive", "hurtful", "derogatory", "pejorative"})
_SAYING = frozenset({"word", "words", "term", "calling", "call", "say", "saying", "use", "using"})
_MENTIONABLE = frozenset({"slur", "insult"})
# Every ASCII mark but the apostrophe (and "-" inside words: fly-fishing) becomes a space.
_TO_SPACE = {ord(c): " " for c in "!\"#$%&()*+,./:;<=>?@[\\]^_`{|}~"} | {ord("’"): "'"}
# The word aimed at someone right after it ("rape you", "bitch you"): never innocent.
_AIMED = frozenset({"you", "u", "ya", "ur", "your", "yourself", "her", "him", "them"})


_ALL_WORDS = {term: tuple(set().union(*(context for context, _ in senses))) for term, senses in _SENSES.items()}


def _words_in(s: str) -> list[str]:
    """Lower-cased words of `s`, punctuation dropped, "'s" taken off (Balaam's ass)."""
    words = s.lower().translate(_TO_SPACE).split()
    return [w[:-2] if w.endswith("'s") else w.strip("'") for w in words]


def innocent_sense(text: str, m: Match) -> bool:
    """Is match `m` of `text` an everyday sense of its word, or a word talked about?"""
    senses = _SENSES.get(m.term)
    mentionable = m.category in _MENTIONABLE
    if senses is None and not mentionable:
        return False
    # A first look for the words as substrings of the lower-cased window: most matches have none.
    window = text[max(0, m.start - _WINDOW):m.end + 2 * _WINDOW].lower()
    if not (senses is not None and any(w in window for w in _ALL_WORDS[m.term])) and not (
            mentionable and ("slur" in window or any(h in window for h in _MENTION))):
        return False
    before = _words_in(text[max(0, m.start - _WINDOW):m.start])
    if before and (before[-1] in _ADDRESSED or (len(before) > 1 and before[-2] in _ADDRESSED
                                                 and before[-1] in ("a", "an", "the"))):
        return False
    after = _words_in(text[m.end:m.end + 2 * _WINDOW])
    if after and after[0] in _AIMED:
        return False
    near = before[-8:] + after[:8]
    if senses is not None and any(len(context.intersection(near)) >= needed for context, needed in senses):
        return True
    if m.category not in _MENTIONABLE:
        return False
    wide = before[-12:] + after[:12]
    return not _SLUR_WORDS.isdisjoint(wide) or (not _MENTION.isdisjoint(wide) and not _SAYING.isdisjoint(wide))
