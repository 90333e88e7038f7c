"""Everyday senses of listed words, names, words split off a lone letter and mild put-downs.

Innocent sentences (written for these tests, not taken from any probe) must pass the default
keyword stage; the same words said to someone must still flag.
"""

from __future__ import annotations

import pytest

from moderation.keywords import KeywordStage
from moderation.termforms import split_keys
from moderation.wordlists import DEFAULT_LIST, load_list


@pytest.fixture(scope="module")
def stage() -> KeywordStage:
    wl = load_list(DEFAULT_LIST)
    return KeywordStage(wl.terms, wl.exceptions)


EVERYDAY = [
    # animals, tools, engines, food, foreign words, places
    "Our bitch whelped eight puppies last night, the breeder says.",
    "The cocks in the coop start crowing before dawn.",
    "Grab the hoe and the rake, the weeds are back in the rows.",
    "Retard the ignition two degrees and the knocking stops.",
    "The Dutch built a dyke to hold back the sea.",
    "Tie the faggot of kindling and bring it to the stove.",
    "Slut means 'end' in Swedish, it's on the last page.",
    "He owns a bastard sword from the medieval period.",
    "Prick the sausages with a fork before grilling.",
    "Skim the scum off the broth as it boils.",
    "Our hooker won the ball in the scrum.",
    "A horny toad is really a lizard.",
    "Balaam's ass spoke to him on the road.",
    "The raccoon hunters took their coon hounds out.",
    "Nip out for a fag? I need a cigarette.",
    "My ute's tranny needs new fluid, the gearbox grinds.",
    "Spastic diplegia is a form of cerebral palsy.",
    "The threesome on the third tee held up the golf course.",
    "The pussy willow by the pond is blooming.",
    "Lesbos is an island in the Aegean, near Turkey.",
    "Dildo is a town in Newfoundland, Canada.",
    "The slag heap next to the old iron furnace.",
    # news and talk about a word
    "The jury convicted him of rape after a two-week trial.",
    "Police arrested a pedophile, the local paper reports.",
    "Please don't use that word, 'retard' is a slur.",
    "Calling someone a spaz is hurtful, use another word.",
    # names
    "Thanks, Dick!", "Dick, can you send me the slides?", "Tell Dick I said hello.",
    "Uncle Dick brought the cake.", "every Tom, Dick and Harry has a podcast now",
    "Richard 'Dick' Jones chaired the meeting.", "We ate at Dick's Drive-In.",
    # mild words about oneself or a thing
    "I'm so stupid, I locked myself out again.", "I feel so dumb for forgetting your birthday.",
    "I'm such an idiot, I deleted the file.", "This stupid printer ate my page.",
    "Dumb question: is the meeting at 3?", "That was a dumb mistake on my part.",
    # splits that are prose
    "I'd ick out too if I saw that.", "an al dente pasta",
    # the British word for ugly is not "minge"
    "that jacket is minging",
    # plumbing, history, law and French
    "the ball cock in the cistern sticks, call a plumber", "The Rape of Nanking was a massacre.",
    "revenge porn is a crime now", "désolé, je suis en retard", "you shot yourself in the foot there",
    # threats and self-harm quoted or reported, not said
    "ignore anyone who tells you to kill yourself", "my friend said 'i want to die', should I worry?",
    "a troll wrote \"kys\" under my post, blocked", "'go die' is what the harasser texted me",
    # a threat with the next round of a game right after it is banter
    "I'll kill you with the sniper next round",
]

SAID_TO_SOMEONE = [
    ("you bitch, go look after your puppies", "bitch"),
    ("you're a hoe, go rake the garden", "hoe"),
    ("shut up you retard, the timing is fine", "retard"),
    ("that bitch stole my phone", "bitch"),
    ("I'll rape you and the police can't stop me", "rape"),
    ("what a Dick", "dick"), ("you Dick", "dick"), ("suck my Dick", "dick"),
    ("you're stupid", "stupid"), ("I think you're a moron", "moron"), ("your stupid face", "stupid"),
    ("you d ick", "dick"), ("what a d ick", "dick"), ("you s lut", "slut"), ("you b itch", "bitch"),
    ("f aggot", "faggot"), ("a sshole", "asshole"), ("what an as shole", "asshole"), ("the nig ger", "nigger"),
    ("fags are disgusting", "fag"), ("you yid", "yid"), ("go away you dago", "dago"), ("sheeit", "sheeit"),
    # quoted slurs and insults are still sent; quoting without a reporting word is no report
    ("we learned the history of the word 'faggot'", "faggot"), ("my ex texted me 'you stupid whore'", "whore"),
    ("I'm telling you to kill yourself", "kill yourself"), ("'kill yourself' lol", "kill yourself"),
    ("go shoot yourself", "shoot yourself"), ("i have your nudes, pay up", "i have your nudes"),
    ("im gonna shoot up your house", "shoot up your house"), ("want to be my ana buddy?", "ana buddy"),
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_senses_pass(stage: KeywordStage, text: str) -> None:
    assert stage.scan(text) == [], [m.term for m in stage.scan(text)]


@pytest.mark.parametrize(("text", "term"), SAID_TO_SOMEONE)
def test_the_same_words_said_to_someone_flag(stage: KeywordStage, text: str, term: str) -> None:
    assert any(m.term.startswith(term) for m in stage.scan(text)), stage.scan(text)


def test_lone_letter_splits_only_for_listed_words() -> None:
    assert "d ick" in split_keys("dick") and "a sshole" in split_keys("asshole")
    assert "re tard" not in split_keys("retard")  # a prefix, not a word
    assert split_keys("anal") == []  # "an al" is prose
    assert all(" " not in k[1:] or len(k.split()[0]) > 1 for k in split_keys("penis"))
