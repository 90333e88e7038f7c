"""Robustness of the default list: obfuscated spellings must flag, innocent look-alikes must not.

These lists stand for the held-out sets the project is judged on; they test general rules
(masks, separators, phrase forms, exceptions, names), not single entries.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.keywords import KeywordStage
from moderation.wordlists import DEFAULT_LIST, load_list


@pytest.fixture(scope="module")
def stage() -> KeywordStage:
    wl = load_list(DEFAULT_LIST)
    return KeywordStage(wl.terms, wl.exceptions)


# (text, a term or category that must be among the matches)
MUST_FLAG = [
    # symbol masks: any of * # % @ $ and, between letters, - . _ ! ? stand for hidden letters
    ("f#ck off", "profanity"), ("f%ck", "profanity"), ("sh#t", "profanity"), ("b@stard", "bastard"),
    ("f.ck this", "profanity"), ("f-ck", "profanity"), ("f*ck", "profanity"), ("f**k", "profanity"),
    ("f@ck", "profanity"), ("what the f#%k", "profanity"), ("c@nt", "insult"), ("you st#pid b*tch", "insult"),
    ("a#shole", "insult"), ("f#cking hell", "profanity"), ("motherf#cker", "profanity"),
    ("that's sh##", "profanity"), ("sh-t happens", "profanity"), ("bullsh%t", "profanity"),
    ("p#ssy", "sexual"), ("d!ck", "insult"), ("fu**ing", "profanity"), ("sh*tty", "profanity"),
    ("wh0r3", "insult"), ("b1tch", "insult"), ("@ss", "profanity"),
    # a symbol inserted into the word
    ("fu-ck you", "profanity"), ("sh.it", "profanity"), ("bi_tch", "insult"), ("c-unt", "insult"),
    # hashtags and other tricks
    ("#fuckit", "profanity"), ("#FuckYou", "profanity"), ("f u c k", "profanity"),
    ("F.U.C.K", "profanity"), ("fuuuuuck", "profanity"),
    ("\U0001d41f\U0001d42e\U0001d41c\U0001d424", "profanity"),
    ("fu\u200bck", "profanity"), ("f\u057dck", "profanity"), ("ƒuck", "profanity"),
    # phrases across separators and without them
    ("kill-yourself", "kill yourself"), ("kill_yourself", "kill yourself"),
    ("go.kill.yourself", "kill yourself"), ("KILL-YOUR-SELF", "threat"), ("killyourself", "threat"),
    ("#killyourself", "threat"), ("kill ur self", "threat"), ("k y s", "threat"), ("drop dead", "threat"),
    # threats, in the usual chat spellings
    ("I will hunt you down", "threat"), ("I'm going to kill you", "threat"),
    ("im going to kill u", "threat"), ("you should die", "threat"), ("i hope you die", "threat"),
    ("I'll murder you", "threat"), ("ima kill you", "threat"), ("imma kill u", "threat"),
    ("I will find you and kill you", "threat"), ("go hang yourself", "threat"),
    ("i know where you live", "threat"), ("i'm gonna stab you", "threat"),
    ("i'll slit your throat", "threat"), ("I hope you get cancer", "threat"), ("ill kill ya", "threat"),
    ("we're gonna kill you", "threat"), ("you deserve to die", "threat"), ("die in a fire", "threat"),
    # self-harm
    ("I want to kill myself", "self-harm"), ("i wanna die", "self-harm"),
    ("i'm going to take my own life", "self-harm"), ("i don't want to live anymore", "self-harm"),
    ("I want to end it all", "self-harm"), ("i have nothing to live for", "self-harm"),
    # names heuristic must not cost recall
    ("Don't be a Dick", "insult"), ("You Dick", "insult"), ("DICK", "insult"), ("what a dick move", "insult"),
    ("Dick Head", "insult"),
    # pictographs for letters, spaced-out letters with runs of spaces, doubled vowels, leet at the edge
    ("f\U0001f92cck", "profanity"), ("sh\U0001f4a9t", "profanity"), ("f  u  c  k you", "profanity"),
    ("s   h   i   t", "profanity"), ("fuuck off", "profanity"), ("shiit", "profanity"), ("biitch", "insult"),
    ("$h!t", "profanity"), ("sh\u00a1t", "profanity"), ("cvnt", "insult"), ("slvt", "insult"),
    ("\u0192\u03c5\u00a2\u043a", "profanity"), ("bi\u2020ch", "insult"),
    ("fu ck you", "profanity"), ("you bi tch", "insult"), ("f___k this", "profanity"), ("b***ch", "insult"),
    # fourth session's held-out probe: regional-indicator and small-capital letters, mixed separators,
    # upper-case leet that mixes its digits in, chat spellings and slang
    ("\U0001f1eb\u200b\U0001f1fa\u200b\U0001f1e8\u200b\U0001f1f0 you", "profanity"),
    ("\U0001f1f8\U0001f1ed\U0001f1ee\U0001f1f9", "profanity"), ("\ua730\u1d1c\u1d04\u1d0b you", "profanity"),
    ("go away \ua730\u1d00\u0262\u0262\u1d0f\u1d1b", "slur"), ("a piece of s.h-i_t", "profanity"),
    ("get lost you b.i-t_c h", "insult"), ("r.e-t_a r/d", "insult"), ("A55HOLE", "insult"), ("B1TCH", "insult"),
    ("SH1T", "profanity"), ("you a55hole", "insult"), ("fuq this", "profanity"), ("phuk off", "profanity"),
    ("you thot", "insult"), ("get lost you twunt", "insult"), ("you dickwad", "insult"), ("niqqa", "slur"),
    ("you retart", "insult"), ("let's sext tonight", "sexual"), ("omfg", "profanity"),
    ("ffuucckk off", "profanity"), ("sshhiitt", "profanity"), ("di\u00a9k", "insult"), ("\u15b4uck you", "profanity"),
    ("\u15b4\u144c\u1455K", "profanity"),
    ("\u13f0\u13a5\u13a2\u13df\u13bb", "insult"), ("\U0001f1f9 \U0001f1fc \U0001f1e6 \U0001f1f9", "insult"),
    ("fook off", "profanity"), ("you pisshead", "insult"),
    # masked in two or more places: compared with the terms letter by letter
    ("b*ll*cks to that", "bollocks"), ("what a m%r%n", "moron"), ("you d**ch*b*g", "douchebag"),
    ("n*gg*r", "slur"), ("f#gg#t", "slur"),
    # a word starting with, or mostly made of, leet digits
    ("you 455hole", "asshole"), ("80110ck5 to that", "bollocks"), ("what a dum8455", "dumbass"),
    # letters drawn with two or three symbols
    ("you p|_|$$y", "sexual"), ("what a pr!(|<", "prick"),
    # the core words written backwards
    ("kcuf you and your rules", "profanity"), ("what a tnuc you are", "insult"), ("get lost you hctib", "insult"),
    # a later probe: rarer separators between single letters
    ("f|u|c|k", "profanity"), ("b|i|t|c|h", "insult"), ("f | u | c | k", "profanity"),
    ("f . u . c . k", "profanity"), ("f..u..c..k", "profanity"), ("f\u00b7u\u00b7c\u00b7k", "profanity"),
    ("s\u2022h\u2022i\u2022t", "profanity"), ("n\u00b7i\u00b7g\u00b7g\u00b7e\u00b7r", "slur"), ("f=u=c=k", "profanity"),
    ("c=u=n=t", "insult"), ("f;u;c;k", "profanity"), ("f>u>c>k", "profanity"),
    # ... more look-alike letters: Greek, Cyrillic, runic, Lisu, enclosed and upside-down letters
    ("fu\u03f2k", "profanity"), ("c\u03c3ck", "sexual"), ("\u0138unt", "kunt"), ("\u0284uck", "profanity"),
    ("\u03dduck", "profanity"), ("fuc\u16d5", "profanity"), ("\u00feussy", "sexual"), ("who\u044f\u0454", "insult"),
    ("\ua4dd\ua4f4\ua4da\ua4d7", "profanity"), ("\u24a1\u24b0\u249e\u24a6", "profanity"),
    ("\U0001f175\U0001f184\U0001f172\U0001f17a", "profanity"), ("\U0001f155\U0001f164\U0001f152\U0001f15a", "profanity"),
    ("\u025fu\u0254\u029e you", "profanity"), ("s\u0265\u1d09\u0287", "profanity"), ("you \u0287\u028d\u0250\u0287", "insult"),
    # ... symbols between letters read as masks, and a long mask at a word's end
    ("f&ck off", "profanity"), ("fu<k", "profanity"), ("f\u2b50ck", "profanity"), ("sh\u2b50t", "profanity"),
    ("b\u2b50tch", "insult"), ("mother******", "profanity"),
]

MUST_ALLOW = [
    # Scunthorpe-type words and places
    "Scunthorpe", "classic", "assassin", "cocktail", "Dickens", "Sussex", "therapist", "analysis",
    "Penistone", "grape", "grapes", "shiitake", "shitake mushrooms", "cum laude", "summa-cum-laude",
    "Moby Dick", "Hancock", "Matsushita", "Yamashita", "Arsenal", "pen island", "snigger", "niggardly",
    "niggardliness", "spic and span", "cockpit", "cockatoo", "scrap", "Essex", "Middlesex", "Wessex",
    "analytics", "assess", "bass", "passage", "class", "grass", "associate", "titillate", "title",
    "tit for tat", "tit-for-tat", "Cummings", "document", "cucumber", "circumstance", "Cockburn",
    "Woodcock", "Hitchcock", "Dickinson", "Dickson", "Cumbria", "cocoon", "tycoon", "scrapbook",
    "Cockfosters", "cock-a-doodle-doo", "flame retarding", "a swankest hotel",
    # harmless phrases with a violent or rude word
    "hell yeah", "a glass of coke", "I'll kill this process", "kill the lights", "this bug is killing me",
    "shoot a photo", "the assassination of Julius Caesar", "the butt of a joke", "she killed it on stage",
    "I could kill for a coffee", "I'll shoot you an email", "I'll hit you up later",
    "I'll beat you at chess", "take a stab at it", "I'll find you a seat", "dig a hole",
    "there is a hole in my bucket", "drop-dead gorgeous", "a drop-dead deadline", "a garden hoe",
    "I don't want to live in a big city", "there's no reason to live in fear", "hunt for you",
    "I hope you get better", "I'll find you a table and a seat", "ill with the flu, I will rest",
    # names
    "Dick Smith", "Dick Cheney", "Dick Van Dyke", "Philip K. Dick", "ask Dick Jones about it",
    # symbols that are not masks
    "email me at bob@example.com", "#blessed", "see https://example.com/a-b_c.d?x=1", "it costs $5",
    "x = a*b - c%d", "well-known", "e-mail", "co-op", "re-use", "t-shirt", "e.g. this", "U.S.A.",
    "node.js", "push-to-talk", "fish-tank", "push-it", "C# is great", "F# and C++", "AT&T",
    "Q&A", "R&B", "50%off", "#1 fan", "@everyone", "Ph.D.", "a.k.a.", "i.e.", "so...anyway",
    "what?!really", "snake_case_name", "hello_world.py", "my-shitake-recipe", "2-3 times",
    "**bold** text", "footnote*", "a.b.c", "pass-through", "class-based", "mass-produced",
    # math, code and markdown, where "*" multiplies and "." or "_" joins names
    "x**2 + c**n", "gcd(a, p**k) = p**n", "g**k is a primitive root, so gcd(p - 1, k) = 1",
    "use `p**n` here", "**meta**: added collaborators", "**openssl**: upgrade to 1.0.2",
    "**mecab_dic**: optional", "f.get_path()", "def do_HEAD(self):", "PRI_kr macros",
    "printf('%p.%n')", "the D-key is stuck", "A----B----C----", "so-called experts", "two-minute noodles",
    # doubled vowels that are words, pictographs between words, spaced initials, inverted marks
    "Shiite Muslims", "shiitake risotto", "the annals of history", "a looser fit", "good food",
    "I \u2764 NY", "love\U0001f525fire", "so  a  b  c", "\u00a1Hola amigo!", "J. R. R. Tolkien",
    "Sean Spicer said so", "Joe Cocker sang", "a great bustard", "Lyotard on postmodernism", "titin fibres",
    "Lifshitz and Landau", "the Cushitic languages", "Wankhede stadium", "Sittard is in Limburg", "my wet back hurts", "he is hard on himself", "the pen is red", "who re-elected him", "go ok",
    # codes: one or two capitals and digits on one side (a phone, a road, a plate, thermal paste)
    "I bought the Samsung A55", "the A55 road in North Wales", "AS5 thermal paste", "ticket 4SS-002",
    "my plate is SH17 TXB", "Sheila Dikshit was chief minister", "I love \U0001f1fa\U0001f1f8 and \U0001f1ec\U0001f1e7",
    "e.g. i think so", "a-b test", "i.e. a b", "Suicidal ideation is common", "committee bookkeeper coffee",
    # handles, e-mail addresses and URLs name things; dishes, places and neutral reporting
    "tweet at @ScunthorpeUnited", "reach @shittu_official", "email dick.smith@example.com",
    "the podcast is at whorepresents.com", "see https://example.com/shitake-recipes", "spotted dick and custard",
    "Cock-a-leekie soup", "the village of Twatt in Orkney", "Rape convictions remain low, a report found",
    "a rape crisis centre", "fields of oilseed rape",
    # words broken by a hyphen at a line end, part numbers, foreign words, names, idioms
    "a cock-\ntail party", "Dick-\nens wrote it", "in Cum-\nbria", "Analy-\nsis of data", "Pea-\ncock",
    "order part FCK-200", "Jij kunt dat", "sehr dick", "un perro negro", "the cum-ex scandal",
    "cock the rifle", "cock of the walk", "Lipshitz", "Wankie", "paintings by Pissarro", "p@ssing the ball",
    "it's pissing down", "x*y*z", "a*b*c*d", "is_a_test", "t*****", "my_var_name = 3", "i_d_k", "1080p video", "user12345",
    "covid19 cases", "win10 update", "room 1055b", "hex ids (d445a53e, 0x2f967)", "4chan", "tihs is a typo",
    "print() and f()", "a | b | c", "x \\/ y and a /\\ b", "cat a.txt | grep ass|<tail", "(_)",
    # rarer separators, "&", "<" and the star in code, math, lists and names; real Greek and Cyrillic
    "a = b = c", "x;y;z", "1 . 2 . 3", "\u2022 a \u2022 b \u2022 c", "AT&T and R&D", "Q&A", "B&B", "rock&roll",
    "a<b", "i<n", "for (i=0;i<n;i++) s+=a[i];", "x > y > z", "| a | b | c |", "cat | grep | sort",
    "hmm...ok...sure", "col\u00b7lecci\u00f3", "H&M, P&G, D&D, T&C", "Tom&Jerry", "&lt;b&gt;", "5\u2b50 rating",
    "\u2b50\u2b50\u2b50\u2b50\u2b50", "brother****** and other******", "\u043f\u0440\u0438\u0432\u0435\u0442, \u044f \u0442\u0435\u0431\u044f \u043b\u044e\u0431\u043b\u044e",
    "\u03b3\u03b5\u03b9\u03b1 \u03c3\u03bf\u03c5", "\u00fe\u00fa ert vinur minn", "(a) first (b) second",
    "a  b  c  d", "I  am  fine", "T__T", "T___T so sad", "x__x", "X___X", "o_O", "O.O", "it costs 5\u20ac", "\u00a9 2026 parley", "Windows\u00ae 11",
]


@pytest.mark.parametrize("text,expected", MUST_FLAG)
def test_must_flag(stage: KeywordStage, text: str, expected: str) -> None:
    found = stage.scan(text)
    assert any(expected in (m.term, m.category) for m in found), (text, found)


@pytest.mark.parametrize("text", MUST_ALLOW)
def test_must_allow(stage: KeywordStage, text: str) -> None:
    assert stage.scan(text) == [], text


def test_masked_match_reports_the_term_and_masks_the_original_span(stage: KeywordStage) -> None:
    text = "oh f#cking hell, sh%t"
    spans = sorted((text[m.start:m.end], m.term) for m in stage.scan(text))
    assert spans == [("f#cking", "fuck"), ("sh%t", "shit")]


def test_joined_match_spans_the_separator(stage: KeywordStage) -> None:
    text = "well fu-ck you"
    (m,) = [m for m in stage.scan(text) if m.category == "profanity"]
    assert text[m.start:m.end] == "fu-ck"


def test_phrase_across_separators_spans_the_whole_phrase(stage: KeywordStage) -> None:
    text = "just go.kill.yourself ok"
    spans = {(text[m.start:m.end], m.category, m.severity) for m in stage.scan(text)}
    assert ("kill.yourself", "threat", "high") in spans  # and "go.kill.yourself", listed too


# Everyday words, none containing or forming a listed term however they are joined.
_INNOCENT = (
    "the a an and or but if then so we you they it this that with from for to of in on at by "
    "about over under after before again house garden table window door music song guitar piano "
    "coffee tea water bread cheese apple grape orange lemon tomato potato carrot pepper salt sugar "
    "class pass glass grass bass mass assess associate classic passage document circumstance title "
    "cocktail cockpit therapist analysis scrap hello world friend family morning evening weekend "
    "holiday travel train plane city country river mountain forest ocean beach summer winter spring "
    "autumn happy quiet bright green blue yellow purple small large quick slow warm cold new old "
    "read write learn teach build paint cook bake walk run swim sing dance play work rest sleep "
    "email website project meeting report budget market price team office school book story"
).split()
_JOINERS = [" ", " ", " ", "-", ".", "_", ", ", "! ", "? ", "..."]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_INNOCENT), st.sampled_from(_JOINERS)), min_size=1, max_size=12),
       st.booleans())
def test_innocent_words_joined_any_way_never_flag(stage: KeywordStage, parts: list[tuple[str, str]],
                                                  title: bool) -> None:
    text = "".join(w + j for w, j in parts)
    if title:
        text = text.title()
    assert stage.scan(text) == [], text
