"""The shipped phrase patterns, by theme: threats, death wishes, telling someone to die,
self-harm, grooming and sexual requests, hate and insults that no single word gives away.

Each pattern names a shape (who, an intent, a violent verb, "you") rather than one wording,
runs on normalized text (lower case, leet and look-alikes undone), and keeps the innocent
readings out: negations ("I'd never hurt you"), errands ("I'll shoot you an email"),
clumsiness ("cut myself while cooking"), figures of speech ("I just die laughing"). Each
carries its trigger words (every match holds them: texts without them skip the pattern) and
examples that tests run through the stage.

The table is in two halves: this module's, and moderation.phrasebook_more's (shapes added
later); both are built from the words in moderation.phrasebook_words. PHRASES is the whole.
"""

from __future__ import annotations

from moderation.phrasebook_more import MORE_PHRASES
from moderation.phrasebook_words import (_ADJ, _ADV, _BODY_WORDS, _CLAUSE_END, _DEHUMANIZING, _DIE_WORDS, _DRUGS, _END,
                                         _GROUP, _H, _HARM_BODY, _INTENT, _KILL, _KILL_WORDS, _M, _NOT_ERRAND, _NOUN,
                                         _NOUN_WORDS, _SELF_HARM, _SOON, _W_ADJ, _W_DEHUMANIZING, _W_GROUP, _W_INTENT,
                                         _W_YOU, _WISH, _YOU_ARE, YOU, YOUR, YOURSELF, Phrase, _any, _forms)

__all__ = ["PHRASES", "Phrase"]

PHRASES: list[Phrase] = [
    # -- threats ------------------------------------------------------------------------
    Phrase("threat: violence against you", "threat", _H,
           _forms(_KILL_WORDS, "s", "es") + " & " + _W_INTENT + " & " + _W_YOU,
           rf"\b{_INTENT} {_ADV}{_KILL}(?: and \w+)? {YOU}{_END}{_NOT_ERRAND}",
           ("I'll shoot you", "i hope someone finally kills you", "someone needs to end you", "I'll sh00t you")),
    Phrase("threat: violence against your family", "threat", _H,
           _forms(_KILL_WORDS, "s", "es") + " & " + _W_INTENT + " & your ur yer",
           rf"\b{_INTENT} {_ADV}{_KILL} {YOUR} (?:family|kids|children|wife|husband|mother|mom|mum|dad|father"
           r"|sister|brother|son|daughter|dog|whole family)" + _END,
           ("we will kill your family",)),
    Phrase("threat: harm to your body", "threat", _H, " ".join(_BODY_WORDS) + " body & " + _W_INTENT,
           rf"\b{_INTENT} {_ADV}{_HARM_BODY}(?: in| out| off)? (?:{YOUR} (?:\w+ )?"
           + _any(_BODY_WORDS) + rf"(?:\b|(?= in))|every bone in {YOUR} body\b)",
           ("I'm going to break your legs", "imma break every bone in your body",
            "gonna bash your skull in with a brick")),
    Phrase("threat: violence, other shapes", "threat", _H,
           "choke beat kick knock strangle squeeze punch slap stomp make run cut put & life shit crap hell daylights"
           " bleed suffer scream beg over down up open into ground six grave coffin hospital morgue body"
           " | until till til & breathe breathing die bleed pass beg | tear rip cut & apart pieces shreds limb | acid",
           rf"\b{_INTENT} {_ADV}(?:(?:choke|beat|kick|knock|strangle|squeeze|punch|slap|stomp) the (?:life|shit"
           rf"|crap|hell|living daylights) out of {YOU}|make {YOU} (?:bleed|suffer|scream|beg)"
           rf"|run {YOU} (?:over|down)|cut {YOU} (?:up|open|into)|put {YOU} (?:in the ground|six feet under"
           rf"|in (?:a|the) (?:grave|coffin|hospital|morgue|body bag))|(?:tear|rip|cut) {YOU} (?:apart|to pieces"
           rf"|to shreds|limb from limb|into (?:little )?pieces))\b"
           rf"|\b(?:beat|choke|strangle|kick|punch|stab|hit|hurt|slap) {YOU} (?:until|till|'?til) {YOU}"
           rf" (?:can'?t breathe|stop breathing|die|bleed|pass out|beg)\b"
           rf"|\b(?:throw|pour|splash) acid (?:in|on|at|into|over) {YOUR}\b",
           ("I'll beat you until you can't breathe", "I will tear you apart piece by piece",
            "I'll throw acid in your face", "I'll choke the life out of you", "I'll make you suffer slowly", "I'm going to run you over with my truck",
            "one more word and I'll put you in the ground", "i swear ill put you six feet under")),
    Phrase("threat: you will not survive", "threat", _H,
           "live make walking walk survive & not never won aren ain | ditch bag coffin casket morgue grave six straw"
           " dental & end be wind | dead & before by soon tomorrow tonight next within",
           rf"\b{YOU}(?:'ll| will|'re gonna|'re going to| are going to| are gonna) be dead (?:before|by|soon|tomorrow"
           r"|tonight|next|within)\b"
           rf"|\b{YOU}(?:'re| are| will|'ll)? (?:not|never|won'?t|will not|aren'?t|ain'?t) (?:gonna |going to )?"
           r"(?:live to see|make it (?:home|out)(?: alive)?|walk(?:ing)? (?:away|out) (?:from|of) (?:this|here) alive"
           r"|survive (?:this|tonight|the night|the week))"
           rf"|\b{YOU}(?:'ll| will|'re gonna|'re going to| are going to| are gonna)? (?:end up|be|wind up) "
           r"(?:in a (?:ditch|body bag|coffin|casket|morgue|grave)|six feet under|eating through a straw"
           r"|identified by (?:your )?dental records)\b",
           ("you won't live to see Friday", "keep talking and you'll end up in a ditch",
            "You'll be dead before the weekend, I promise",
            "you'll be in a body bag by the weekend", "you're not walking away from this alive")),
    Phrase("threat: weapons and places", "threat", _H,
           "shoot shooting & up | bring bringing & gun knife rifle weapon shotgun | bullet & name"
           " | put & bullet knife bullets round one",
           rf"\b(?:shoot|shooting) up {YOUR} (?:school|office|work|workplace|church|mosque|synagogue|temple|class)"
           rf"|\bbring(?:ing)? (?:my |a )(?:gun|knife|rifle|weapon|shotgun) to {YOUR} (?:work|school|house|home"
           rf"|office|place)|\b(?:a|one) bullet with {YOUR} name on it"
           rf"|\bput (?:a bullet|a knife|two bullets|one|a round) (?:in|through) {YOU}{_END}",
           ("I'm going to shoot up your office on Monday", "I'm bringing my gun to your work tomorrow",
            "I have a bullet with your name on it", "someone should put a bullet in you")),
    Phrase("threat: you are dead", "threat", _M, "dead",
           rf"\b(?:{_YOU_ARE}|your) (?:so |gonna be |going to be |fucking |already )?"
           r"(?:dead meat|a dead (?:man|woman|boy|girl|kid)"
           r"|dead (?:when|once|the moment|as soon as|next time|after school|tomorrow|tonight|wait till|wait until"
           r"|if i (?:see|catch|find)))\b",
           ("you're dead when I see you",)),
    Phrase("threat: coming for you", "threat", _M, "coming eye numbered",
           rf"\bi'?m coming (?:for|after) {YOU}(?=\s*(?:[.!]|$))|\b{YOU} (?:better|should|'?d better|had better)"
           rf" sleep with one eye open|\b{YOUR} days are numbered",
           ("watch your back, I'm coming for you", "you better sleep with one eye open")),
    Phrase("threat: you will get hurt", "threat", _M, "hurt killed shot stabbed beaten pay regret",
           rf"\b{_YOU_ARE} (?:gonna|going to) (?:get (?:hurt|killed|shot|stabbed|beaten)"
           rf"|pay for (?:this|that|it)(?= *(?:[.!]|$))|regret (?:this|that|being born|the day)(?= *(?:[.!]|$| {YOU}))"
           r")",
           ("you're gonna get hurt",)),
    # -- death wishes and telling someone to die ---------------------------------------------
    Phrase("threat: wishing death", "threat", _H, "hope wish pray & " + " ".join(_DIE_WORDS) + " born dead",
           rf"\b(?:i |we )?(?:hope|wish|pray) (?:that )?{YOU} {_WISH}(?:die|dies|died|get (?:killed|shot|stabbed"
           r"|murdered|raped|run over|hit by a (?:car|bus|truck|train)|cancer|aids|hanged|lynched|beheaded)"
           r"|rot|burn|suffer|drown|choke|starve|perish|bleed out|wake up|(?:were|was) (?:never born|dead))\b",
           ("I hope you bleed out", "I pray you never wake up", "i wish u were never born")),
    Phrase("threat: wishing death on your family", "threat", _H,
           "hope wish pray & " + _forms(_DIE_WORDS, "s") + " sick crash crashes",
           rf"\b(?:hope|wish|pray) (?:that )?{YOUR} (?:whole |entire )?(?:family|kids|children|mom|mother|mum|dad"
           r"|father|wife|husband|house|plane|car|dog|baby|babies|son|daughter|kid|child|brother|sister|parents"
           r"|friends) (?:\w+ )?(?:dies|die|crash(?:es)?|burns? down|gets? (?:sick|cancer|killed|raped|shot"
           r"|murdered|stabbed|run over|hit by a (?:car|bus|truck|train)))",
           ("I hope your whole family dies", "hope your plane crashes", "i hope ur kids get sick and die",
            "hope your baby dies", "I hope your kids get hit by a bus")),
    Phrase("threat: wishing death", "threat", _H, "rot burn die suffer choke perish takes kills cancer",
           rf"\bmay {YOU} (?:(?:slowly|forever|all|both) )?(?:rot|burn|die|suffer|choke|perish)\b"
           rf"|\bhope (?:the )?(?:cancer|covid|disease|virus) (?:takes|kills|gets) {YOU}\b",
           ("may you rot", "hope the cancer takes you quick")),
    Phrase("threat: enjoying your death", "threat", _H, "die suffer burn bleed grave casket coffin",
           rf"\b(?:pay|love|like|want|enjoy|wait) (?:money )?to (?:watch|see) {YOU} (?:die|suffer|burn|bleed)\b"
           rf"|\b(?:dance|piss|spit) on {YOUR} grave\b|\b{YOU}(?:'?d| would) look better in a (?:casket|coffin"
           r"|body bag)",
           ("i'd pay money to watch you die", "I'd dance on your grave", "you'd look better in a casket")),
    Phrase("threat: telling you to die", "threat", _H,
           "should need needs deserve deserves ought oughta better & die dead exist existing alive killed shot"
           " hanged executed gassed exterminated beaten stabbed tortured raped burned murdered put yourself urself"
           " self yourselves breathing live breathe"
           " | alive & why",
           rf"\b{YOU} (?:should|need to|needs to|deserve to|deserves to|ought to|oughta|better) "
           rf"(?:(?:just|all|go|really|fucking|seriously|honestly) )*(?:die|be dead|drop dead|not exist"
           rf"|not be alive|cease to exist|stop existing|stop breathing|be (?:killed|shot|hanged|executed|gassed"
           rf"|exterminated|beaten|stabbed|tortured|raped|burned|murdered|put down)(?: to death| alive)?"
           rf"|kill {YOURSELF}|hang {YOURSELF}|off {YOURSELF}|end {YOURSELF}"
           rf"|unalive {YOURSELF})\b|\b{YOU} (?:don'?t|do not|dont) deserve to (?:live|exist|breathe|be alive)\b"
           rf"|\bwhy (?:are|r) {YOU} (?:still )?alive\b",
           ("you should just die", "you don't deserve to live", "why are you still alive",
            "you should just stop existing", "you deserve to be beaten to death")),
    Phrase("threat: telling you to die", "threat", _H,
           "die dead breathing & just go please pls plz now so why not | yourself urself self yourselves"
           " | jump & bridge cliff building roof | traffic | step & train bus car truck | bullet | overdose & go just"
           " | end & life",
           rf"(?:^|[.!?,;:] *)(?:(?:(?:just|go|please|pls|plz|now|so|why don'?t you|why not) +)+(?:die|drop dead"
           rf"|stop breathing)|(?:(?:just|go|please|pls|plz|now|so|why don'?t you|why not) +)*(?:kill {YOURSELF}"
           rf"|off {YOURSELF}|end {YOURSELF}|rope {YOURSELF}|neck {YOURSELF}|end {YOUR} (?:own )?life"
           rf"|delete {YOURSELF} from"
           rf" (?:this|the) (?:planet|earth|world)|(?:go |just )+(?:jump off (?:a|the) (?:bridge|cliff|building"
           r"|roof)|play in traffic|step in front of (?:a|the) (?:train|bus|car|truck)|eat a bullet|overdose)))"
           + _CLAUSE_END,
           ("just die already", "please just stop breathing", "go jump off a bridge", "go play in traffic",
            "off urself lol", "end your life, seriously", "end yourself", "rope yourself lol")),
    Phrase("threat: telling you to die", "threat", _H, "favor favour service bullet gun",
           rf"\bdo (?:us|everyone|everybody|the world|humanity|society|me|us all) a favou?r and (?:just |go )?"
           rf"(?:die|kill {YOURSELF}|disappear|drop dead|jump off|hang {YOURSELF}|off {YOURSELF}|end {YOURSELF}"
           r"|end it)\b|(?:^|[.!?] *)(?:eat|swallow) a (?:bullet|gun)\b"
           rf"|\ba (?:favou?r|service) (?:if|by) {YOU} (?:died|were dead|was dead|killed {YOURSELF}|disappeared"
           r"|dying|ending it)\b",
           ("do everyone a favor and die", "why don't you do everyone a favor and end it", "eat a bullet",
            "swallow a bullet", "you'd be doing us all a service if you died")),
    Phrase("threat: nobody would miss you", "threat", _M, "miss mourn care cry notice & nobody no noone single",
           rf"\b(?:no ?one|nobody|no body|not a single (?:person|soul)) (?:would|will|is going to|gonna|'?d|'?ll)"
           rf" (?:even )?(?:(?:miss|mourn|care about|cry for|notice) {YOU}(?! (?:if you (?:left|moved|quit)))\b"
           rf"|(?:cry|care|notice) if {YOU} (?:died|die|were dead|was dead|disappeared|(?:were|was) gone(?! for)"
           r"|vanished|killed yourself)\b)",
           ("nobody would miss you if you died", "nobody would cry if you died tomorrow",
            "no one would notice if you were gone")),
    Phrase("threat: better off without you", "threat", _M, "better happier & without died dead gone killed exist",
           rf"\b(?:the world|world|everyone|everybody|we|they|your family|earth|society) (?:would|will|'?d) be "
           rf"(?:a )?(?:better|happier|better off)(?: place)? (?:off )?(?:without {YOU}\b(?! (?:around|here|in (?:the"
           rf"|this) (?:team|group|meeting|office|project)))|if {YOU} (?:died|were dead|was dead|were gone"
           rf"|killed {YOURSELF}|didn'?t exist)\b)",
           ("the world would be better without you",)),
    Phrase("threat: drink bleach", "threat", _H, "bleach cleaner antifreeze poison lye cyanide",
           r"(?:^|[.!?] *|\b(?:go|just|pls|please|plz|should|shld|gotta) )(?:drink|swallow|chug|inject|eat) "
           r"(?:some |a (?:gallon|bottle|cup|glass) of )?(?:bleach|drain cleaner|antifreeze|rat poison|lye|cyanide)\b",
           ("drink bleach", "you should drink bleach")),
    # -- self-harm, said of oneself ------------------------------------------------------------
    Phrase("self-harm: hurting myself", "self-harm", _H, "myself",
           rf"\b(?:i'?m|i am|im|i will|i'?ll|i want to|i wanna|i'?m going to|gonna|going to|i might|i need to"
           rf"|i'?ve been|i have been|i keep|i can'?t stop) {_SOON}{_SELF_HARM} myself\b"
           r"(?! (?:a|an|some|off|on|by accident|accidentally|while|when (?:cooking|shaving|i (?:cook|shave))|shaving"
           r"|cooking|in the kitchen|up|out"
           r"|to sleep|laughing|with (?:a|the) (?:knife|kitchen|razor) (?:while|when)))",
           ("I'm going to cut myself tonight", "I keep hitting myself when I'm angry")),
    Phrase("self-harm: hurting myself again", "self-harm", _H, "myself & again purpose deliberately intentionally"
           " | cutting harming self burning & been started keep kept began | relapsed | deeper",
           r"\bi (?:cut|burned|burnt|hurt|hit|scratched|harmed) myself (?:with (?:a|the) (?:lighter|razor|blade"
           r"|knife) )?(?:again|on purpose|deliberately|intentionally)\b"
           r"|\b(?:i(?:'ve| have)?|ive) (?:been |started |keep |kept |began )(?:cutting|self[- ]?harming|burning myself"
           r"|cutting my (?:thighs?|wrists?|arms?|skin|legs?))(?: again|(?= *(?:[.!?,]|$| so| and| because| since"
           r"| for| every| daily)))"
           r"|\bi relapsed and (?:cut|burned|hurt)|\bcut deeper",
           ("I've been cutting again", "I burned myself with a lighter again", "i relapsed and cut deeper this time",
            "i've started cutting my thighs so no one sees", "i c u t myself again",
            "ive been self harming since i was 13")),
    Phrase("self-harm: thinking about suicide", "self-harm", _H,
           "thinking thought think thoughts thinkin & suicide myself harm selfharm self life wrists wrist"
           " overdosing jumping ending | planning & suicide myself end die",
           r"\b(?:thinking|thought|think|thoughts|thinkin) (?:about|of) (?:suicide|killing myself|ending (?:it all"
           r"|my life|my own life)|taking my (?:own )?life|self[ -]?harm(?:ing)?|cutting myself|hurting myself"
           r"|offing myself|unaliving myself|slitting my wrists?|hanging myself|overdosing|jumping off (?:a|the)"
           r" \w+|ending it(?! with))\b(?! (?:prevention|rates?|statistics|awareness|hotlines?|research"
           r"|bombers?|bombings?|squad|notes? in (?:the|a) (?:book|novel|film|movie)|policy|policies))"
           r"|\bplanning (?:my (?:own )?suicide|(?:how )?to (?:kill myself|end it all|end my life|die))\b",
           ("I'm thinking about suicide", "thinking of slitting my wrists in the bath",
            "I've been planning my suicide for weeks")),
    Phrase("self-harm: kms", "self-harm", _H, "kms",
           r"(?:^|\b(?:i|gonna|going to|wanna|want to|will|'ll|might|about to|should|could just|ready to|finna|bouta"
           r"|i'?m gonna|just) )kms\b(?! (?:away|from|of|to|per|north|south|east|west|long|wide))",
           ("I wanna kms",)),
    Phrase("self-harm: a plan", "self-harm", _H,
           "going gonna about planning ready & overdose od bridge roof building cliff balcony tower all life wrist"
           " wrists myself"
           " pills tonight today tomorrow soon now",
           r"\b(?:i'?m|i am|im) (?:going to|gonna|about to|planning to|ready to) (?:overdose|od|jump (?:off|from)"
           r" (?:the (?:roof|top) of )?(?:a|the|my) (?:bridge|roof|building|cliff|balcony|tower)|end it all|end my (?:own )?life|slit my wrists?|hang myself"
           r"|take all (?:my|the|of my) pills|swallow all (?:my|the|of my) pills"
           r"|end it (?:tonight|today|tomorrow|soon|now))\b",
           ("I'm going to overdose", "im gonna end it tonight", "I'm going to jump from the roof of my building")),
    Phrase("self-harm: an attempt", "self-harm", _H,
           "took swallowed downed ate drank tried attempted & pills tablets meds medication painkillers cabinet"
           " overdose od myself life bottle " + " ".join(_DRUGS),
           # A count of 1-4 is a dose ("I took 2 tylenol before bed"), and so are all my pills of the day.
           r"\bi (?:just )?(?:took|swallowed|downed|ate|drank) (?:(?:a (?:bunch|handful|whole bottle|bottle|lot)"
           r"|all(?! (?:of )?my (?:\w+ )?(?:pills|meds|medication|tablets) (?:today|this morning|this evening|on time"
           r"|as usual))|everything|the whole bottle|(?:[1-9]\d+|[5-9])(?! ?(?:mg|mcg|ml|g|milligrams?)\b)|too many)"
           r"(?: of)?(?: my| the)? (?:\w+ )?(?:pills|tablets|meds|medication|painkillers|" + "|".join(_DRUGS) + r")"
           r"|everything in the medicine cabinet|a bottle of \w+ with my (?:pills|meds))"
           r"\b(?! (?:for|to help|because|as prescribed|as (?:usual|directed|instructed|always)|like (?:the|my) doctor"
           r"|over|throughout|during|in total|on time|with (?:food|breakfast|lunch|dinner|a meal|water)))"
           r"|\bi (?:just )?(?:took|swallowed) (?:the|a) whole bottle(?= *(?:[.!,;]|$| tonight| just now| earlier"
           r"| an hour ago))"
           r"|\bi (?:tried|attempted) to (?:overdose|od|kill myself|end my life|hang myself)\b",
           ("I took a bunch of pills", "i took 30 of my sleeping pills",
            "I just swallowed everything in the medicine cabinet", "i tried to overdose last week",
            "I just took 40 tylenol", "I took 30 pills", "I took the whole bottle", "I took all my pills")),
    Phrase("self-harm: preparations", "self-harm", _H,
           "suicide goodbye & note letter | edge ledge railing | gun rope pills razor blade & end"
           " | easiest painless quickest fastest best & way | wrist wrists | enough & wake die myself end overdose",
           r"\bi(?:'ve| have)? (?:just )?(?:written|wrote|writing|finished|left) (?:my|a) (?:suicide|goodbye) (?:note"
           r"|letter)\b|\b(?:i'?m|i am|im) (?:standing |sitting )?on the (?:edge|ledge|railing) of (?:the|a)"
           r" (?:bridge|roof|building|cliff)\b|\b(?:gun|rope|pills|razor|blade) to end (?:it|things|my life"
           r"|everything|it all)\b|\b(?:easiest|painless|quickest|fastest|best) way to (?:die|kill myself"
           r"|end (?:it|my life)|commit suicide)\b|\bmy wrists? (?:are|is) (?:bleeding|cut)\b"
           r"|\benough (?:pills |of them |of it )?to (?:not wake up|never wake up|die|kill myself|end it|overdose)\b",
           ("I've written my goodbye letter", "I'm standing on the edge of the bridge right now",
            "I bought a gun to end things", "I've been researching the easiest way to die",
            "i bought pills, enough to not wake up")),
    Phrase("self-harm: nobody would care", "self-harm", _H, "care notice miss cry give & nobody no noone",
           r"\b(?:no ?one|nobody|no body|noone) (?:would|will|'d|even) (?:\w+ )?(?:care|notice|miss me|cry"
           r"|give a \w+) (?:if|when|once|after) i(?:'m| am)? (?:died|die|was gone|were gone|gone|disappeared"
           r"|killed myself|was dead|were dead|dead|ended it)\b",
           ("nobody would care if I died", "no one will notice when I'm gone")),
    Phrase("self-harm: better off without me", "self-harm", _H, "better happier & without",
           r"\b(?:everyone|everybody|the world|my family|my friends|they|people|world) (?:would|will|'?d) be "
           r"(?:a )?(?:better|happier|better off)(?: place)? (?:off )?without me\b(?! (?:in|on|at|around (?:the|this)"
           r" (?:team|office|project|company|club|meeting)))",
           ("everyone would be better off without me",)),
    Phrase("self-harm: wishing to be dead", "self-harm", _H, "dead born disappear exist existing wake die forever",
           r"\bi (?:(?:just|really|honestly|sometimes) )?(?:wish|want|wanna) (?:i (?:was|were) (?:dead|never born)"
           r"|(?:to )?(?:be dead|disappear forever|not exist|stop existing|never wake up|sleep and never wake up"
           r"|go to sleep and never wake up))\b|\bi (?:just )?wish i could (?:just )?(?:go to sleep and never wake up"
           r"|sleep and never wake up|sleep forever|disappear forever|die|stop existing)\b",
           ("i just want to disappear forever", "i wanna sleep and never wake up",
            "I wish I could go to sleep and never wake up")),
    Phrase("self-harm: not wanting to live", "self-harm", _H,
           "exist wake alive live go & want & don dont not | point reason & see"
           " | reason & here live go keep",
           r"\bi (?:don'?t|do not|dont) want to (?:exist|wake up|be alive|live|go on)"
           r"(?: anymore| any more| any longer| tomorrow| again| ever|(?= *(?:[.!]|$)))"
           r"|\bi (?:don'?t|do not|dont|can'?t) see (?:the|a|any) (?:point|reason) (?:in|of|to|for) (?:keep )?(?:living|life"
           r"|being alive|going on|existing|staying alive)\b|\bno reason for me to (?:be here|live|go on|keep going)",
           ("I don't want to wake up tomorrow", "I don't see the point in living",
            "there's no reason for me to be here anymore", "I don't see a reason to keep living")),
    # -- grooming and sexual requests ----------------------------------------------------------
    Phrase("sexual: asking for nudes", "sexual", _M, "nudes noods nude pic pics",
           r"\b(?:send|dm|show|give|text|snap) (?:me )?(?:your |ur |some |more |a )?(?:nudes|noods|nude (?:pics?|photos?|selfies?)|dick pics?"
           r"|tit pics?|boob pics?|pussy pics?)\b",
           ("send nudes", "dm me your nudes or I'll leak your address")),
    Phrase("grooming: asking for pictures", "grooming", _H,
           "underwear bra panties bikini lingerie clothes swimsuit pyjamas pajamas shower towel body chest boobs"
           " butt feet legs privates naked nude touching playing fingering | pic pics picture pictures photo photos selfie"
           " selfies video videos vid vids & shirt pants shorts",
           r"\b(?:send|show|give|take) (?:me )?(?:a |some |more )?(?:pics?|pictures?|photos?|selfies?|videos?"
           r"|vids?) (?:of )?(?:you|ur|your|yourself|u) ?(?:\w+ )?(?:(?:in|without) (?:your |ur |a )?(?:underwear|bra"
           r"|panties|bikini|lingerie|clothes|swimsuit|pyjamas|pajamas|the shower|a towel)|without (?:your |ur |a )?"
           r"(?:shirt|pants|shorts)|with (?:no (?:shirt|pants)|(?:your|ur) (?:shirt|pants) off))\b"
           r"|\bsend (?:me )?(?:a |some )?(?:pics?|pictures?|photos?|selfies?) of (?:ur|your) (?:body|chest|boobs"
           r"|butt|ass|feet|legs|privates)\b"
           r"|\b(?:see|look at) (?:you|u) (?:naked|nude|without (?:clothes|your clothes|anything on)|in (?:a |your"
           r" |ur )?(?:bikini|underwear|lingerie|bra))\b|\bwhat (?:you|u) look like naked\b"
           r"|\b(?:videos?|vids?|pics?|pictures?|photos?) of (?:you|u) (?:touching|playing with|fingering)"
           r" (?:yourself|urself)\b",
           ("send me pics of you in your underwear", "send me a pic of ur body, no one will see it",
            "lemme see u in a bikini", "I want to see you without clothes",
            "send me a video of you touching yourself", "send me a picture of you without your shirt")),
    Phrase("grooming: undressing", "grooming", _H,
           "take & off & shirt pants clothes bra panties underwear top skirt | show & under | wearing & now rn"
           " | home & alone | lap & sit | private & somewhere | puberty | bra & size | parents & asleep home around"
           " out",
           r"\btake (?:off (?:your|ur) (?:shirt|pants|clothes|bra|panties|underwear|top|skirt)|(?:your|ur) (?:shirt"
           r"|pants|clothes|bra|panties|underwear|top|skirt) off)\b(?! (?:the|of|from|a|my|that|this)\b)"
           r"|\bshow me (?:what'?s )?under (?:your|ur)"
           r" (?:skirt|dress|shirt|clothes)\b|\bwhat (?:are )?(?:you|u) wearing (?:right now|rn|now)\b"
           r"|\b(?:are|r) (?:you|u) home alone\b|\bsit on my lap\b|\bsomewhere private and (?:video )?(?:chat|call"
           r"|cam)\b|\bhave (?:you|u) (?:started|hit|gone through) puberty\b|\bwhat size bra\b"
           r"|\b(?:are|r) (?:your|ur) parents (?:asleep|home|around|out)\b",
           ("can you turn on your camera and take your shirt off", "take off your pants for me baby",
            "what are you wearing right now?", "are you home alone? how old are you", "come sit on my lap")),
    Phrase("grooming: secrecy and age", "grooming", _H,
           "parents mom mum dad mother father & tell need | delete & messages message chats chat conversation"
           " conversations | mature pretty hot sexy grown cute beautiful & for & 8 9 10 11 12 13 14 15 eleven twelve"
           " thirteen fourteen fifteen | robux vbucks bucks money cards & show send take",
           r"\b(?:don'?t|dont|do not) tell (?:your|ur) (?:parents|mom|mum|dad|mother|father) (?:about (?:us|our"
           r"|this|me|what)|we talk)|\b(?:your|ur) (?:parents|mom|mum|dad) (?:doesn'?t|don'?t|do not|does not)"
           r" (?:need|have) to know (?:about )?(?:we talk|about us|us|our|this|me)\b"
           r"|\bdelete (?:these|our|the|this) (?:messages?|chats?|conversations?) (?:after|so|before)\b"
           r"|\b(?:you'?re|ur|you are|u r) (?:very |so |really )?(?:mature|pretty|hot|sexy|grown up|cute|beautiful)"
           r" for (?:a |an )?(?:[89]|1[0-5]|eleven|twelve|thirteen|fourteen|fifteen)(?: year old| yo| yr old)?\b"
           r"|\b(?:robux|v-?bucks|gift cards?|money|\$\d+) (?:if|for) (?:you|u) (?:show|send|take)",
           ("don't tell your parents about our chats, ok?", "your mom doesn't need to know we talk",
            "you're very mature for 12", "you're so pretty for a 13 year old",
            "I'll give you robux if you show me your chest")),
    Phrase("grooming: sextortion", "grooming", _H,
           "leak post send share show & school parents family friends mom mum dad boss followers class"
           " | unless & send give pay show",
           r"\b(?:leak|post|send|share|show) (?:them|these|those|it|the (?:pics|photos|videos|nudes)|your (?:pics"
           r"|nudes|photos|videos)) (?:to|with) (?:your|ur) (?:school|parents|family|friends|mom|mum|dad|boss"
           r"|followers|class)\b|\bunless (?:you|u) (?:send|give|pay|show) (?:me )?(?:more|money|nudes|pics"
           r"|another)\b",
           ("I have pics of you and I'll send them to your school unless you send more",)),
    # -- hate ----------------------------------------------------------------------------------
    Phrase("hate: dehumanizing a group", "hate", _M, _W_DEHUMANIZING + " & " + _W_GROUP + " & are is r",
           rf"\b{_GROUP} (?:are|r|is) (?:all |just |nothing but |basically |literally |a bunch of |like )?"
           rf"(?:\w+ )?{_DEHUMANIZING}\b",
           ("immigrants are vermin who should be exterminated", "Muslims are all terrorists",
            "black people are subhuman", "Jews are a cancer", "refugees are cockroaches crawling into our land",
            "Asians are bugs", "Disabled people are a burden and should be put down")),
    Phrase("hate: violence against a group", "hate", _H, "exterminated gassed killed eradicated wiped deported"
           " sterilized locked removed hanged shot burned executed put die breed exist live vote & should must need"
           " deserve ought & " + _W_GROUP + " | exterminate gas kill eradicate wipe cleanse purge sterilize & " + _W_GROUP
           + " | camps ovens cleanse hitler holocaust breed death"
           " inferior | dead & good | kind & allowed | burn & mosque synagogue church temple gurdwara",
           rf"\b{_GROUP} (?:should|must|need to|deserve to|ought to) (?:all )?(?:be )?(?:exterminated|gassed|killed"
           r"|eradicated|wiped out|deported|sterilized|locked up|removed|hanged|shot|burned|executed|put down"
           r"|burned alive|die|die off|not be"
           r" allowed to (?:breed|exist|live|vote))\b"
           r"|\b(?:exterminate|gas|kill|eradicate|wipe out|cleanse|purge|sterilize) (?:all (?:of )?)?(?:the )?"
           + _GROUP + r"\b|\bround (?:them|\w+) (?:all )?up and (?:put|send|lock|ship) them (?:in|into|to)"
           r" (?:camps|ovens|gas chambers)|\bcleanse (?:this|our|the) (?:country|nation|land|world) of\b"
           r"|\bthe only good \w+ is a dead \w+|\bhitler (?:had|was) (?:the )?right|\bhitler did nothing wrong"
           r"|\bholocaust (?:never happened|was a hoax|didn'?t happen)|\bshould be punishable by death"
           r"|\b(?:their|your) kind (?:shouldn'?t|should not) be allowed to (?:breed|exist|live)"
           r"|\b(?:that|their|your) race is (?:genetically )?inferior|\bbreed like (?:rabbits|rats|cockroaches)"
           r"|\bburn (?:down )?(?:the|a|their|that|this) (?:mosque|synagogue|church|temple|gurdwara)s? (?:with|and)"
           r"|\bdeath to (?:all )?(?:the )?" + _GROUP + r"\b",
           ("we should round them up and put them in camps", "we need to cleanse this country of them",
            "the only good one is a dead one", "hitler had the right idea", "all arabs should be deported",
            "homosexuality should be punishable by death", "disabled people should be put down",
            "we should burn down the mosque with them inside", "Atheists deserve to be executed",
            "death to all jews")),
    Phrase("hate: go back where you came from", "hate", _M, "back & go send",
           rf"\bgo back to (?:{YOUR} (?:own )?(?:country|countries|homeland|home country|shithole|jungle|cave|tribe)"
           rf"|where {YOU} came from|africa|the jungle)\b|\bsend (?:them|\w+)(?: all)? back (?:to )?where they"
           r" came from\b",
           ("go back to where you came from", "send them all back where they came from")),
    # -- insults with no rude word --------------------------------------------------------------
    Phrase("insult: name-calling", "insult", _M,
           _forms(_NOUN_WORDS, "s") + " excuse sack bag waste piece & " + _W_ADJ,
           rf"\b(?:{YOU}|{_YOU_ARE})(?: such)?(?: an?| the)? (?:{_ADJ}(?:,? |, and | and ))+(?:{_NOUN})\b",
           ("you ugly fat pig", "you braindead clown", "you're a pathetic little worm",
            "you are a vile, repulsive excuse for a person", "you're a spineless coward")),
    Phrase("insult: you are worthless", "insult", _M,
           "re are ur r youre & pathetic worthless disgusting subhuman braindead brainless disgrace waste failure"
           " trash garbage filth"
           " scum vermin joke clown nobody embarrassment burden ugly fat gross repulsive hideous",
           rf"\b{_YOU_ARE} (?:so |such an? |truly |really |absolutely |just |literally |fucking |nothing but an? "
           r"|an? )?"
           r"(?:pathetic|worthless|disgusting|subhuman|braindead|brainless|a disgrace|a waste of (?:space|air|oxygen"
           r"|skin|life|sperm|a human being)|a failure as a (?:human|person|man|woman))(?= *(?:[.!?,]|$| and | you"
           rf" | to | of a))|\b{_YOU_ARE} (?:human |absolute |total |complete |utter |fucking )?(?:trash|garbage"
           rf"|filth|scum|vermin)\b|\b{_YOU_ARE} (?:an? )(?:failure|joke|disgrace|clown|nobody|embarrassment"
           rf"|burden)(?= *(?:[.!?,]|$| and | with | to | on ))|\b{_YOU_ARE} (?:so |really |very )(?:ugly|fat|gross"
           r"|disgusting|pathetic|worthless|useless|repulsive|hideous)\b",
           ("you are pathetic", "you're trash", "you're human garbage", "you're a joke and nobody takes you seriously",
            "ur so ugly even ur mom can't look at u", "you're a failure and always will be")),
    Phrase("insult: nobody loves you", "insult", _M,
           "ever & nobody no & love loved want wanted like liked | hates hate & everyone everybody all"
           " | ashamed embarrassed disappointed"
           " | wonder & left | iq | existence | worthless pathetic ugly stupid useless gross disgusting & as & " + _W_YOU,
           rf"\b(?:no ?one|nobody) (?:has ever|will ever|could ever|would ever|ever) (?:love|loved|want|wanted|like"
           rf"|liked) {YOU}\b|\b(?:everyone|everybody|we all) (?:here |in (?:this|the) (?:server|chat|group|class)"
           rf" )?(?:hates|hate) {YOU}\b|\b{YOUR} (?:parents|mom|mum|dad|family) (?:must be|are|is) (?:so )?"
           rf"(?:ashamed|embarrassed|disappointed) (?:of {YOU})|\bno wonder {YOUR} (?:dad|mom|father|mother|wife"
           rf"|husband|girlfriend|boyfriend|parents) left\b|\bthe iq of a (?:potato|rock|brick|toddler|goldfish)"
           rf"|\b{YOUR} (?:very )?existence is (?:an? )?(?:embarrassment|joke|mistake|waste|burden)"
           rf"|\bas (?:worthless|pathetic|ugly|stupid|useless|gross|disgusting) as {YOU}\b",
           ("nobody has ever loved you and nobody ever will", "everyone in this server hates you",
            "your parents must be so ashamed of you", "no wonder your dad left", "you have the IQ of a potato",
            "your existence is an embarrassment", "I've never met anyone as worthless as you")),
    Phrase("insult: waste of oxygen", "insult", _M, "waste",
           r"\bwaste of (?:oxygen|skin|sperm|carbon|a human being|genes)\b",
           ("what a useless waste of oxygen",)),
]
# The second half of the table: shapes added since (moderation.phrasebook_more).
PHRASES += MORE_PHRASES
