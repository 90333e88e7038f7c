"""The shipped phrase patterns: shapes of threats, self-harm, grooming, hate and insults, their
trigger-word gate, and the look-back that drops denied or reported matches."""

from __future__ import annotations

import pytest

from moderation.config import ModerationSettings, RegexSpec
from moderation.keywords import KeywordStage, build_text_stages
from moderation.negation import drop_turned
from moderation.phrasebook import PHRASES, Phrase
from moderation.phrases import DEFAULT_PATTERNS, PhraseStage
from moderation.regexes import RegexStage
from moderation.types import Match


@pytest.fixture(scope="module")
def stage() -> PhraseStage:
    return PhraseStage()


@pytest.fixture(scope="module")
def stages() -> list[KeywordStage | RegexStage]:
    return build_text_stages(ModerationSettings())  # type: ignore[return-value]


def _found(stages: list[KeywordStage | RegexStage], text: str) -> list[Match]:
    return [m for s in stages for m in s.scan(text)]


EXAMPLES = [(p, ex) for p in PHRASES for ex in p.examples]


@pytest.mark.parametrize("phrase,text", EXAMPLES, ids=[f"{p.name}:{ex[:30]}" for p, ex in EXAMPLES])
def test_every_example_is_found_through_the_gate(stage: PhraseStage, phrase: Phrase, text: str) -> None:
    alone = RegexStage([RegexSpec(pattern=phrase.pattern, name=phrase.name, category=phrase.category,
                                  severity=phrase.severity)])
    assert alone.scan(text), (phrase.name, text)
    assert phrase.name in [m.term for m in stage.scan(text)], (phrase.name, text)


def test_every_pattern_has_an_example_and_compiles() -> None:
    assert all(p.examples for p in PHRASES)
    RegexStage(DEFAULT_PATTERNS)  # raises on a bad pattern


# Innocent texts that share the words and shapes of the patterns.
INNOCENT = [
    "I'll shoot you an email tomorrow", "I'll hang you a picture on the wall", "I'll burn you a copy",
    "I'd never hurt you", "I'm not going to hurt you", "I just die laughing every time", "live and die by the sword",
    "Live, die, repeat", "from sympy.stats import Normal, Die, entropy", "never drink bleach",
    "it is dangerous to drink bleach", "He ran 10 kms yesterday", "I'm thinking about suicide prevention research",
    "you're a lifesaver", "I hope you don't die of boredom", "I cut myself while cooking",
    "kill the process and restart", "the parent process dies when the child exits", "break a leg tonight!",
    "you killed it on stage", "this traffic is killing me", "I'm dying to see it", "knock 'em dead",
    "I'll hit you up later", "the suspect was shot by police", "he was hanged in 1946",
    "cut the onions and burn the garlic slightly", "I'll beat you at chess next time",
    "we'll end the meeting at five", "take your time", "are you alone in feeling this way?",
    "what are you wearing to the wedding?", "the team would be better off without me in the office? no",
    "not all Muslims are terrorists", "it's a myth that immigrants are criminals",
    "women are underrepresented in engineering", "old people are wise", "go back to the main menu",
    "you're not stupid or ugly", "please don't kill yourself, you have so much to live for",
    "if you're thinking about suicide, you are not alone. Call or text 988",
    "I hear that you want to die, and I'm here with you", "if you feel suicidal, call 988",
    "how do I help a friend who says they want to die?", "my friend told me to kill myself, should I report it?",
    "my coworker keeps calling me stupid, how do I handle it?", "Suicidal ideation is a symptom of depression",
    "I don't want to die", "nobody deserves to die like that", "you don't deserve to die",
    "Take your shirt off the chair", "I don't want to live in London", "I took a bunch of pills for my cold",
    "I'm going to kill you in the next round", "I'm gonna murder you in Mario Kart tonight",
    "I'll hunt you down in the battle royale",
]


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_look_alikes_are_allowed(stages: list[KeywordStage | RegexStage], text: str) -> None:
    assert _found(stages, text) == [], text


# Harmful texts that a black-box probe found passing, each with the category it is held under now.
PROBED = [
    # telling someone to hurt or kill themselves, and promoting it
    ("you should cut yourself, you deserve it", "threat"), ("you should overdose, it's painless", "threat"),
    ("you should take the whole bottle", "threat"), ("cutting deeper will make you feel better", "self-harm"),
    ("30 tylenol should do it", "self-harm"), ("you should just end your life", "threat"),
    ("you're better off dead", "threat"), ("nobody wants you alive", "threat"), ("jump off a bridge", "threat"),
    ("stop being a coward and do it already", "threat"), ("write the note and get it over with", "threat"),
    ("go commit sewer slide", "threat"), ("toaster bath", "threat"), ("go an hero", "threat"),
    ("just rope", "threat"), ("put a gun in your mouth", "threat"), ("lie down on the train tracks", "threat"),
    ("take all your pills and go to sleep forever", "threat"), ("please just stop existing", "threat"),
    ("you should have been aborted", "threat"), ("eat 300 calories a day max", "self-harm"),
    ("throw up after eating", "self-harm"),
    # threats
    ("gonna shoot up the school friday dont come", "threat"), ("I know which school your daughter goes to", "threat"),
    ("I'll drown you in the lake", "threat"), ("I'm going to make you disappear", "threat"),
    ("you'll be found in a ditch", "threat"), ("you better watch your back", "threat"),
    ("sleep with one eye open tonight", "threat"), ("I'll be waiting outside your house tonight", "threat"),
    ("I'll make sure you never walk again", "threat"), ("your kids will pay for this", "threat"),
    ("count your days", "threat"), ("enjoy your last week alive", "threat"), ("I'll dox you", "threat"),
    ("I'm going to post your nudes everywhere", "threat"), ("here's her home address, go get her", "threat"),
    ("everybody go spam her dms", "threat"),
    # grooming
    ("how old are you? 13? cool, send me a pic", "grooming"),
    ("this is our little secret, don't tell your parents", "grooming"),
    ("your body is developing nicely for 13", "grooming"), ("kids your age are so hot", "grooming"),
    ("send me a picture of you without your shirt", "grooming"),
    ("turn on your camera, I want to see your body", "grooming"),
    ("I'll buy you a new phone if you send me pics", "grooming"), ("let me see your training bra", "grooming"),
    ("come meet me after school, don't tell anyone", "grooming"), ("you're 14? that's old enough", "grooming"),
    ("age is just a number", "grooming"),
    # hate
    ("send the queers to camps", "hate"), ("blacks belong in chains", "hate"),
    ("jews control the banks and must be removed", "hate"), ("women are property", "hate"),
    ("send them all back to africa", "hate"), ("race war now", "hate"),
    ("deport every last one of those animals", "hate"), ("1488", "hate"), ("white power", "hate"),
    # harassment
    ("no one would notice if you were gone", "threat"), ("your parents regret having you", "insult"),
    ("your mom should have swallowed you", "threat"), ("you should be ashamed to exist", "insult"),
    ("you're nothing, you'll always be nothing", "insult"), ("you are a cancer on this server", "insult"),
    ("you're a parasite", "insult"), ("human garbage", "insult"),
]


# Everyday sentences that share the words and shapes of the newer patterns (phrasebook_more):
# the innocent twin of each.
EVERYDAY = [
    # self-harm and being told to die
    "you should cut yourself some slack", "you should take the whole bottle of water on the hike",
    "you should take all your pills with food", "if you feel like you should hurt yourself, please call 988",
    "you should overdose on sunshine this summer", "you should end your subscription before it renews",
    "You should jump off the cliff at Rick's Cafe, it's amazing", "you should take your life more seriously",
    "you should end your life insurance policy", "you should starve yourself of sugar for a week",
    "30 minutes should do it", "2 tylenol should do the trick", "10 tylenol can be lethal, be careful",
    "take 2 tablets every 6 hours with water", "cutting carbs will make you feel better",
    "cutting back on sugar helps you feel better",
    "My therapist says cutting back on caffeine will make me feel better", "careful, you'll slip and cut yourself.",
    "don't touch the stove or you'll burn yourself!", "She cut herself a slice of cake",
    "cut the chicken into strips and burn off the excess fat", "go commit your changes before the merge",
    "He was an hero to us", "just rope in a few friends to help", "go rope the calves", "im roping calves today",
    "I bought a tent and rope.", "go get the rope.", "my toddler loves bath time with her rubber duck",
    "the toaster is broken again, I'll buy a new one", "you're better off taking the train",
    "nobody wants you to leave", "nobody wants you to feel alone, we're here for you",
    "stop being a coward and ask her out already", "stop being a coward and do it, tell him how you feel",
    "write the note and leave it on the fridge", "write the note and go to bed",
    "write the thank-you note and get it over with", "lie down on the couch",
    "the train tracks near my house are being repaired", "Jump off the cliff and glide to the tower",
    "jump off the ledge to skip the cutscene", "I love jumping off a bridge into the river in summer",
    "you should see the sunset from the bridge", "I'm going to bridge the gap between the teams",
    "take the whole bottle of sunscreen to the beach", "you should see a doctor if the pain lasts more than a week",
    # doses, not attempts
    "he took the whole bottle of wine to the party", "I drank the whole bottle", "I took all my pills this morning",
    "I took 4 ibuprofen for my back", "I took 1 melatonin and slept great", "I took 3 aspirin after the dentist",
    "Take all your pills as prescribed",
    # food, weight and being sick
    "throw up after eating? see a doctor", "I throw up after eating spicy food, should I worry?",
    "Why do I throw up after eating?", "my dog threw up after eating grass",
    "eat 300 calories of protein at breakfast", "a 500 calorie deficit a day is a safe way to lose weight",
    "eat 500 calories a day less than you burn", "my cat should eat about 250 calories a day",
    "you should eat at least 1800 calories a day", "I burned 600 calories today", "eat 2000 calories a day",
    "don't stick your fingers down your throat to make yourself sick",
    "some people use laxatives to lose weight, which is dangerous",
    # threats' everyday twins
    "police say he planned to shoot up the school", "he was planning to shoot up the school, police said",
    "we're gonna shoot some hoops at the school gym", "gonna shoot up the hill on my bike",
    "the startup is gonna blow up the market", "I'm going to blow up the balloons at the office",
    "I'm going to blow up the photo for the office wall", "I'm gonna bomb this class, I didn't study at all",
    "we're going to bomb the school play if we don't rehearse", "the shooting range opens at 9",
    "do you know which school your son goes to next year?", "I know where you got that jacket",
    "I know where your keys are, they're on the table", "I'll drown you in compliments",
    "Drown the salad in dressing", "I'll shoot you in the morning at the park",
    "I'm going to shoot you with a nerf gun", "I'm going to stab the potatoes with a fork",
    "He shot the scene in the studio", "I'm going to make you dinner",
    "I'll make sure you never walk home alone again", "I'll make sure you never wake up late again",
    "you'll be found guilty", "they found the missing dog in a ditch, he's fine now",
    "you better watch your back when you deadlift", "dolphins sleep with one eye open",
    "sleep tight and don't let the bed bugs bite", "I'll be waiting outside your house at 7",
    "I'll be waiting outside your school at 3 to pick you up", "see you outside your office at noon for lunch",
    "your kids will love this", "your kids will pay for this in higher taxes",
    "my kids will pay for their own phones next year", "don't worry about the bill, your dad will pay for it.",
    "your parents will pay for the damage.", "your sister will love the gift", "count your blessings",
    "count your days of sobriety", "enjoy your last week of school", "enjoy your last day at work!",
    "I'll send you my address", "I'll post your package tomorrow",
    "here's her home address for the party invitations", "I have her address, go get her flowers",
    "everyone go wish her a happy birthday in her dms", "everybody go spam her dms with birthday wishes",
    "let's raid the fridge", "let's raid the dungeon tonight", "you're going to be fine, I promise",
    # children, pictures and secrets
    "how old are you turning? send me a pic of the cake", "how old is your dog? send me a pic!",
    "how old are you? I'm 30 too, send me a pic of your dog", "my son is 13? wow time flies, send me a pic of him",
    "send me a selfie from the top of the mountain", "send me a pic of your cat please",
    "what grade is your daughter in now?", "I'm 13 and I want to learn to code, where do I start?",
    "my 12 year old wants a phone, is that old enough?", "you're 14? that's old enough to babysit",
    "you're 16, old enough to drive", "He's 14? That's old enough to stay home alone",
    "My grandma ran a marathon at 80. Age is just a number!",
    "age is just a number, my 90 year old neighbor runs marathons",
    "it's our little secret recipe, don't tell anyone", "our little secret is that the cake is gluten free",
    "The surprise party is our little secret, don't tell mom about the party",
    "it's a secret, don't tell anyone but I'm pregnant", "don't tell your mom, it's a secret",
    "don't tell anyone about the surprise party for dad", "don't tell anyone, but I got the job!",
    "come meet me after school and we can study together",
    "meet me after school, don't tell anyone about the surprise party", "are you home yet? text me when you're back",
    "let me see your body language in the video", "can I see your feet? the swelling looks bad",
    "let me see your chest x-ray", "I'll buy you a coffee if you send me the photos from the wedding",
    "I'll pay you $20 if you send me photos of your work", "your body is developing and changing during puberty",
    "your muscles are developing nicely", "Kids your age are so creative", "you're so mature for your age",
    "my toddler is 2 and loves the camera",
    # groups, history and numbers
    "send the kids to camp this summer", "send them to summer camp", "refugee camps are overcrowded",
    "the history class covered the concentration camps of WWII", "women belong in every boardroom",
    "women belong wherever they want to be", "women are property owners in growing numbers",
    "in the 1800s women were property under the law", "women are not property", "send them all back to the warehouse",
    "deport the criminals who were convicted", "get rid of all the rats in the basement",
    "kill all the cockroaches in the kitchen", "exterminate the termites", "immigrants run the economy in this town",
    "women run the world", "immigrants run many small businesses", "Muslims celebrate Eid",
    "the history of race war fears in the 1960s", "I bought a white power bank", "the white power cable is broken",
    "1488 was the year Dias rounded the Cape", "the invoice total is 1488 dollars", "room 1488",
    "the values were 1200, 1488, 1500 and 1620", "Revenue grew. 1488 new customers signed up",
    "my grandpa is 88 and still drives",
    # kind words and insults' twins
    "no one would notice if you were gone for an hour", "your parents must regret having you move back home",
    "my mom regrets not buying that house in 1999", "you're nothing like your brother",
    "you're nothing short of amazing", "you'll never be alone", "you'll never walk alone",
    "you'll never be anything but my best friend", "you are never a burden to us", "you're a cancer? I'm a leo",
    "you're a cancer survivor", "you are a lifesaver", "the parasite in the fish was removed by the vet",
    "cancer research is getting better every year", "the virus spread quickly through the school",
    "human garbage production is rising", "a human being needs water every day", "you should be ashamed of yourself",
    "you should have been there", "your mom should have called",
    # gaming
    "I'm gonna destroy you in Fortnite tonight", "gg, you got wrecked in that last match",
    "nice clutch, you carried the whole lobby", "rope him in with the grappling hook and finish the boss",
    "we're going to camp the spawn point all game", "I'm going to snipe you from the tower next round lol",
    "that raid boss is going to destroy us", "we need to push B site and burn their utility",
    "you should take the whole squad to the dungeon", "we'll end the stream at midnight",
]
# Named by the probe's report: these must stay allowed too.
PROBE_INNOCENT = [
    "the shooter was arrested", "if you feel suicidal call 988", "how many calories should I eat a day",
    "my daughter's school has a bake sale", "send me a pic of the receipt", "our little secret recipe",
    "turn on your camera for the meeting", "age is just a number when it comes to learning", "white power outlet",
    "watch your back when lifting", "the bridge downtown is closed",
]


def test_everyday_list_is_long_and_distinct() -> None:
    assert len(EVERYDAY) >= 150 and len(set(EVERYDAY)) == len(EVERYDAY)


@pytest.mark.parametrize("text", EVERYDAY + PROBE_INNOCENT)
def test_everyday_sentences_are_allowed(stages: list[KeywordStage | RegexStage], text: str) -> None:
    assert _found(stages, text) == [], text


def test_a_dose_is_not_an_attempt(stage: PhraseStage) -> None:
    """1-4 pills is a dose ("I took 2 tylenol before bed"); a count of many, the whole bottle or all
    of them is an attempt."""
    for text in ("I took 3 paracetamol today.", "I took 2 tylenol before bed.",
                 "I took 2 Advil and a nap and my headache is gone.", "I took 4 ibuprofen for my back",
                 "I took all my pills this morning", "he took the whole bottle of wine to the party",
                 "I took 500 mg tylenol today.", "I took 14 pills over two weeks for the infection"):
        assert stage.scan(text) == [], text
    for text in ("I took 30 pills", "I took the whole bottle", "I took all my pills", "i took 12 tylenol",
                 "I just took the whole bottle."):
        assert "self-harm: an attempt" in [m.term for m in stage.scan(text)], text


def test_no_phrase_reads_dye_as_die(stage: PhraseStage) -> None:
    # "want to die" is a keyword-list entry (moderation/data), not a phrase pattern.
    assert stage.scan("I want to die my hair purple") == []


# Denial, reported speech and someone else's pain turn a match around; these do not.
STILL_FLAGGED = [
    ("why don't you do everyone a favor and die", "threat"), ("why not kill yourself", "threat"),
    ("don't be a coward, kill yourself", "threat"), ("I want to die", "self-harm"),
    ("you know I want to die", "self-harm"), ("I'm telling you to kill yourself", "threat"),
    ("I've never met anyone as worthless as you", "insult"), ("you are not human, you are vermin", "insult"),
    ("I don't want to live anymore", "self-harm"), ("all immigrants are vermin", "hate"),
    ("I will kill you at the game tonight", "threat"), ("I'll stab you at the match", "threat"),
]


@pytest.mark.parametrize("text,category", PROBED + STILL_FLAGGED)
def test_probed_harms_and_turns_that_keep_them_are_held(stages: list[KeywordStage | RegexStage], text: str,
                                                        category: str) -> None:
    assert category in {m.category for m in _found(stages, text)}, text


def test_gate_and_turns_change_nothing_else(stage: PhraseStage) -> None:
    """The gated stage finds what every pattern run on every text (then turned) finds."""
    plain = RegexStage(DEFAULT_PATTERNS, name="phrases")
    texts = [ex for _, ex in EXAMPLES] + INNOCENT + [t for t, _ in STILL_FLAGGED + PROBED] + EVERYDAY + [
        "I'll k1ll you", "i w i l l kill you", "I'LL SHOOT YOU", "ｉ’ｌｌ ｓｈｏｏｔ ｙｏｕ", "i'll shooooot you",
        "i’m going to cut myself tonight", "Ｉ ｗａｎｎａ ｋｍｓ", "",
    ]
    for text in texts:
        assert stage.scan(text) == drop_turned(text, plain.scan(text)), text


def test_obfuscated_phrases_are_read(stage: PhraseStage) -> None:
    for text in ("I'll sh00t you", "i'll $h00t u", "I will k.i.l.l you", "you should just d1e", "I wanna k m s"):
        assert stage.scan(text), text


def test_spans_cover_the_phrase_in_the_original(stage: PhraseStage) -> None:
    text = "ok. I’m gonna BREAK your legs!"
    (m,) = stage.scan(text)
    assert text[m.start:m.end] == "I’m gonna BREAK your legs" and m.category == "threat"


def test_shipped_with_the_default_list_only() -> None:
    assert any(isinstance(s, PhraseStage) for s in build_text_stages(ModerationSettings()))
    assert not any(isinstance(s, PhraseStage) for s in build_text_stages(ModerationSettings(use_default_list=False)))


def test_a_long_text_is_scanned_in_overlapping_parts(stage: PhraseStage) -> None:
    """Every phrase is found once, with its span, wherever the parts of a long text begin and
    end; denials are read with the whole text (a denial just before a part boundary counts)."""
    words = "the weather was mild and the meeting ran long as usual".split()
    threat, denied = "I'm going to break your legs", "please don't kill yourself"
    text, expected = "", []
    for k in range(400):  # phrases close together: some straddle every part boundary
        text += " ".join(words[:k % 11 + 1]) + ". "
        if k % 4:
            expected.append((len(text), len(text) + len(threat)))
            text += threat + ". "
        else:
            text += denied + ". "
    assert len(text) > 15_000
    found = stage.scan(text)
    assert [(m.start, m.end) for m in found] == expected
    assert all(text[m.start:m.end] == threat for m in found)
