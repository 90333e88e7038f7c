"""The words the phrase patterns are built from: who ("you", "your"), an intent ("I'll", "gonna"),
violent verbs, body parts, groups and what dehumanizes them, and the Phrase record itself.

Shared by the two halves of the phrase table (moderation.phrasebook, moderation.phrasebook_more);
the underscored names are private to those modules.
"""

from __future__ import annotations

from typing import NamedTuple

from moderation.types import Severity

__all__ = ["Phrase"]


class Phrase(NamedTuple):
    name: str
    category: str
    severity: Severity
    # Words that every match holds: "a b & c d | e" = (a or b) and (c or d), or else e. The first group
    # of each alternative is the one looked up in a text's words: put the rarest words first.
    triggers: str
    pattern: str
    examples: tuple[str, ...]


def _any(words: list[str]) -> str:
    return "(?:" + "|".join(words) + ")"


def _forms(words: list[str], *endings: str) -> str:
    return " ".join(w + e for w in words for e in ("", *endings))


_H, _M = Severity.HIGH, Severity.MEDIUM
_END = r"(?![\w'-])"  # a word end that "u-boat" or "you'd" does not pass
YOU = r"(?:you|u|ya|yu|y'?all|you guys|you all|ye)"
YOUR = r"(?:your|ur|yer)"
YOURSELF = r"(?:yourself|urself|your ?self|yourselves|ur ?self)"
_YOU_ARE = r"(?:you'?re|you are|youre|ur|u r|u are)"
_ADV = (r"(?:(?:fucking|really|literally|actually|just|totally|seriously|personally|gladly|happily|slowly|so"
        r"|finally) )?")
# Someone announcing what they will do (no negation can sit between the parts).
_INTENT = (r"(?:i'?ll|i will|i shall|i'?m (?:going to|gonna|gon|about to|coming to)|im (?:going to|gonna)"
           r"|i am (?:going to|gonna|about to|coming to)|i'?mma|ima|i want to|i wanna|i swear i'?ll|gonna"
           r"|we'?ll|we will|we'?re (?:going to|gonna)|we are (?:going to|gonna)|let me|lemme"
           r"|i can'?t wait to|(?:some ?one|some ?body) (?:should|needs to|will|is going to|gonna)"
           r"|(?:i )?(?:hope|wish|pray) (?:some ?one|some ?body|they|he|she)(?: will| would|'?d)?|i'?d love to"
           r"|i would love to)")
_W_INTENT = ("ll will shall going gonna gon about coming imma ima mma want wanna swear let lemme wait should needs"
             " hope wish pray love")
_W_YOU = "you u ya yu yall all guys ye"
_KILL_WORDS = ("kill murder stab strangle behead decapitate lynch rape torture slaughter butcher dismember execute"
               " drown poison smother suffocate maim mutilate gut eviscerate shoot hang choke hurt kidnap gas"
               " burn end").split()
_KILL = _any(_KILL_WORDS) + "(?:s|es)?"
# "shoot you an email", "hang you a picture", "burn you a copy": an errand, not a threat.
_NOT_ERRAND = (r"(?! (?:an?|the(?! (?:minute|moment|second|instant|next time|first chance))|some|my|our|his|her|their|this|that|those|these|over|back|out|off|up|down"
               r"|in|into|on|at|for|with|to|a line|one)\b)")
_BODY_WORDS = ("leg legs knee knees kneecap kneecaps neck face jaw skull skulls head teeth nose arm arms finger"
               " fingers spine ribs bone bones throat brain brains guts eye eyes windpipe").split()
_HARM_BODY = (r"(?:break|snap|smash|bash|crack|cave|kick|punch|rip|tear|cut|slit|blow|knock|stomp|bust|gouge"
              r"|crush|shatter|slash|pull)(?:s)?")
_SELF_HARM = (r"(?:cut|cutting|hurt|hurting|harm|harming|burn|burning|starve|starving|kill|killing|poison"
              r"|poisoning|hang|hanging|drown|drowning|off|offing|unalive|unaliving|hit|hitting|scratch"
              r"|scratching|punch|punching)")
_SOON = (r"(?:(?:going to|gonna|about to|thinking (?:about|of)|planning (?:to|on)|trying to|ready to|tempted to"
         r"|considering|want to|wanna|need to|just|really|literally|seriously|finally|so close to|been) )?")
_WISH = r"(?:'d|'ll)? ?(?:(?:all|both|just|slowly|painfully|would|will|'?d|to|finally|fucking|actually|never) )?"
_DRUGS = ("tylenol paracetamol acetaminophen advil ibuprofen aspirin xanax benadryl oxy oxycodone insulin"
          " sleeping").split()
_DIE_WORDS = ("die dies died killed shot stabbed murdered raped run hit cancer aids hanged lynched beheaded rot"
              " burn suffer drown choke starve perish bleed wake").split()
_NOUN_WORDS = ("pig cow freak loser clown slob creep trash garbage scum rat worm maggot parasite vermin failure"
               " idiot moron whale hag subhuman degenerate imbecile troll cockroach leech mistake abomination"
               " coward").split()
_NOUN = (_any(_NOUN_WORDS) + r"s?|excuse for a (?:human|man|woman|person)|(?:sack|bag|waste|piece) of \w+")
_W_ADJ = ("fat ugly pathetic worthless useless disgusting stupid dumb filthy brainless braindead fucking sorry"
          " miserable lazy smelly nasty vile gross creepy ignorant inbred retarded spineless little repulsive"
          " hideous absolute complete total utter")
_ADJ = _any(_W_ADJ.split())
_GROUP_ITEMS = ("jews|jewish people|muslims|muslim people|christians|catholics|mormons|hindus|sikhs|buddhists"
                "|atheists|blacks|black people|whites|white people|asians|arabs|africans|mexicans|latinos|hispanics"
                "|indians|chinese|pakistanis|palestinians|israelis|immigrants|migrants|refugees|foreigners|gypsies"
                "|roma|gays|gay people|lesbians|homosexuals|queers|queer people|lgbt people|lgbtq people|trans people"
                "|transgender people|transgenders|trannies|women|females|men|old"
                " people|disabled people|the disabled|autistic people|poor people|fat people|those people|these"
                " people|their kind|your kind|you people").split("|")
_GROUP = _any(_GROUP_ITEMS)
_W_GROUP = " ".join(sorted({w for item in _GROUP_ITEMS for w in item.split()} - {"the", "their", "your", "you"}))
_DEHUMANIZING_ITEMS = ("vermin|animals|subhuman|sub-human|rats|cockroaches|roaches|parasites|leeches|savages|apes"
                       "|monkeys|pigs|dogs|bugs|insects|lice|locusts|snakes|demons|a (?:cancer|disease|plague|virus"
                       "|infestation|pest|burden)|terrorists|rapists|thieves|criminals|inferior|genetically inferior"
                       "|less evolved|not (?:really |even )?human|mentally ill|filth|trash|garbage|scum|predators"
                       "|pedophiles|primitive|dirty|disgusting|freaks|an abomination|evil").split("|")
_DEHUMANIZING = _any(_DEHUMANIZING_ITEMS)
_W_DEHUMANIZING = ("vermin animals subhuman sub human rats cockroaches roaches parasites leeches savages apes monkeys"
                   " pigs dogs bugs insects lice locusts snakes demons cancer disease plague virus infestation pest"
                   " burden terrorists rapists thieves criminals inferior evolved ill filth trash garbage scum"
                   " predators pedophiles primitive dirty disgusting freaks abomination evil")
_CLAUSE_END = r"(?= *(?:[.!?,;:]|$|already|now|pls|please|plz|lol|lmao|seriously))"
