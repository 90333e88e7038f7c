"""The second half of the phrase table (moderation.phrasebook has the first, and the rules).

Telling someone to hurt themselves (how, in code words, with pills), promoting self-harm and
starving, threats that name a place, a time or your family rather than a violent verb (doxxing,
"watch your back", "I'll be waiting outside your house"), grooming that leans on a child's age,
secrecy or gifts, hate that puts a group in camps or chains, and insults about existing at all.

Each shape keeps its everyday twin out: "take the whole bottle of wine", "I took 2 tylenol",
"watch your back when lifting", "turn on your camera for the meeting", "our little secret
recipe", "white power outlet", "age is just a number when it comes to learning".
"""

from __future__ import annotations

from moderation.phrasebook_words import (_DRUGS, _GROUP, _H, _INTENT, _KILL, _KILL_WORDS, _M, _W_GROUP, _W_INTENT,
                                         _YOU_ARE, YOU, YOUR, YOURSELF, Phrase, _forms)

__all__ = ["MORE_PHRASES"]

# "you should", "you need to", "u better": advice that a harm follows.
_SHOULD = r"(?:should|shud|shld|need to|needs to|ought to|oughta|better|had better|'d better|gotta|have to|must)"
_W_SHOULD = "should shud shld need needs ought oughta better gotta have must"
_EGG = r"(?:(?:just|go|really|seriously|honestly|fucking|all|totally|definitely|and|then) )*"
# Said to someone as an order: at the start of a clause, or after "just", "go", "please"...
_ORDER = r"just|go|please|pls|plz|should|better|gotta|why don'?t you|why not|you should|u should|need to"
_TOLD = rf"(?:^|[.!,;:] *|\b(?:{_ORDER}) )(?:(?:just|go|please|pls|plz|now|and|then) )*"
# ... or chained to another order: "put on your mask and hang yourself".
_TOLD_AND = rf"(?:^|[.!,;:] *|\b(?:{_ORDER}|and|then|so|now) )(?:(?:just|go|please|pls|plz|now|and|then) )*"
# The end of an order (no "?": "cut yourself?" asks, it does not tell).
_TOLD_END = (r"(?= *(?:[.!,;:]|$|already|now|pls|please|plz|lol|lmao|seriously|you deserve|u deserve|nobody|no one"
             r"|bitch|loser|idiot|freak|tonight|today|forever))")
_PILLS = r"(?:pills|tablets|capsules|meds|medication|painkillers|sleeping pills|" + "|".join(_DRUGS) + ")"
_MY = r"(?:(?:your|ur|the|my|some|those|these|his|her) )"
_W_PILLS = "pills tablets capsules meds medication painkillers " + " ".join(_DRUGS)
_KIN = (r"(?:family|kids|kid|children|child|wife|husband|mom|mum|mother|dad|father|daughter|son|sister|brother"
        r"|baby|babies|parents|girlfriend|boyfriend|loved ones|grandma|grandmother|grandpa|little (?:girl|boy))")
_W_KIN = ("family kids kid children child wife husband mom mum mother dad father daughter son sister brother baby"
          " babies parents girlfriend boyfriend loved ones grandma grandmother grandpa little")
_MINOR_AGE = (r"(?:[89]|1[0-5]|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen)"
              r"(?: ?(?:yo|y/o|years? old|yrs? old|yr old))?")
_W_AGES = "8 9 10 11 12 13 14 15 eight nine ten eleven twelve thirteen fourteen fifteen"
_PICS = r"(?:pics?|pictures?|photos?|selfies?|snaps?|vids?|videos?|nudes)"
_W_PICS = "pic pics picture pictures photo photos selfie selfies snap snaps vid vids video videos nudes"
# What a picture "of" is when the request is innocent: "send me a pic of the receipt".
_PIC_OF_THING = (r"(?! of (?:the|that|this|those|these|it|its|his|her|him|them|us|me|their|my|our|a|an)\b)"
                 r"(?! of (?:your|ur) (?:receipt|homework|work|drawing|dog|cat|pets?|project|room|setup|cake|art"
                 r"|garden|car|bike|food|lunch|dinner|painting|essay|report|school|class|team|house|outfit|order"
                 r"|screen|code|answers?|notes?|ticket|passport|id)\b)(?! from)")
_TELL_NOBODY = (r"(?:don'?t|dont|do not|never|no need to|you can'?t|u cant|you cannot|better not)"
                r" (?:tell|say (?:anything|a word) to|mention (?:it|this|us) to)")
_ADULTS = r"(?:(?:your|ur) )?(?:parents|mom|mum|dad|mother|father|family|teachers?|friends|anyone|anybody|nobody)"
_NOT_SURPRISE = (r"(?! (?:about|until) (?:the|a|my|her|his|our|their) (?:surprise|party|gift|present|cake|proposal"
                 r"|plans?)\b)")
_NAZI_SLOGAN = r"(?:white power|sieg heil|heil hitler|hail victory|rahowa|wpww)"
_NAZI_NUMBER = r"(?:14 ?/ ?88|14 88|1488|14 words)"  # a number only alone or beside the slogans: "1488" is a year too
_NAZI_WORD = r"(?:heil|sieg|hitler|hh|aryan|white power|white pride|rahowa|wpww|nazi|skinheads?)"
_ONES = r"(?:(?:every (?:last |single )?(?:one )?of|all(?: of)?|each of|the rest of) )?(?:them |those |these |the )?"

MORE_PHRASES: list[Phrase] = [
    # -- telling someone to hurt or kill themselves --------------------------------------------
    Phrase("threat: telling you to hurt yourself", "threat", _H,
           "yourself urself self yourselves overdose od bottle jump " + _W_PILLS + " & " + _W_SHOULD
           + " | wrists wrist throat veins arms arm thighs thigh & cut slit slice open & " + _W_SHOULD
           + " | life all & end take & " + _W_SHOULD,
           rf"(?<!feel like )(?<!feel )\b{YOU} {_SHOULD} {_EGG}(?:"
           rf"(?:cut|slit|burn|starve|hurt|harm|drown|poison|stab|shoot|suffocate|strangle|choke|mutilate|slice|scar)"
           rf" {YOURSELF}(?! (?:some|a|an|off|short|out|in the foot|on|up|free|loose|back|down|over|slack|of|for"
           rf"|with (?:a|the) (?:knife|razor) (?:while|when))\b)"
           rf"|(?:cut|slit|slice|open) (?:up )?{YOUR} (?:wrists?|throat|veins|arms?|thighs?)"
           rf"|overdose(?! on (?!{_MY}?{_PILLS}))|od(?! on (?!{_MY}?{_PILLS}))"
           rf"|(?:take|swallow|down) (?:the whole bottle|a whole bottle|(?:[2-9]\d|\d{{3,}}) {_PILLS})"
           rf"(?=(?: of {_PILLS})?(?: *(?:[.!,;]|$| and| at once| tonight| lol| you deserve)))"
           rf"|(?:take|swallow|down) all (?:of )?{YOUR} {_PILLS} (?:at once|at the same time|in one go|and (?:go to"
           r" sleep forever|sleep forever|never wake up|die|end it))"
           rf"|(?:end|take) {YOUR} (?:own )?life(?= *(?:[.!,;]|$| already| tonight| now| lol))|end it all"
           r"|jump (?:off|from) a (?:bridge|cliff|building|roof|balcony|skyscraper)"
           r"|jump in front of (?:a|the) (?:train|bus|truck|car))\b",
           ("you should cut yourself, you deserve it", "you should overdose, it's painless",
            "you should take the whole bottle", "you should just end your life", "u need to slit ur wrists",
            "you should really starve yourself", "you better take all your pills at once",
            "honestly you should jump off a bridge")),
    Phrase("threat: telling you to die, how", "threat", _H,
           "jump & bridge building roof cliff skyscraper balcony | tracks | gun pistol barrel shotgun revolver & mouth"
           " head temple | bullet round & head brain skull mouth temple | blow & brains head | slit cut & wrists wrist"
           " throat | hang cut burn starve & yourself urself self yourselves | " + _W_PILLS + " & forever wake die end"
           " | traffic & walk run step | front & train bus truck car subway | existing exist",
           _TOLD_AND + r"(?:jump (?:off|from) a (?:bridge|building|roof|cliff|skyscraper|balcony)"
           r"|(?:lie|lay|sleep|stand|sit|go play) (?:down )?on (?:the|some) (?:train |railroad |rail(?:way)? |subway )?"
           r"tracks"
           rf"|put (?:a|the|your|ur) (?:gun|pistol|barrel|shotgun|revolver) (?:in|to|against|into) {YOUR}"
           rf" (?:mouth|head|temple)|(?:put|shoot|fire) a (?:bullet|round) (?:in|into|through) {YOUR} (?:own )?"
           rf"(?:head|brain|skull|mouth|temple)|blow {YOUR} (?:own )?(?:brains|head) (?:out|off)"
           # "... and cut yourself." warns ("you'll slip and cut yourself"): only as an order of its own
           rf"|(?:slit|cut) {YOUR} (?:wrists?|throat)(?: open)?|hang {YOURSELF}"
           rf"|(?<!and )(?<!then )(?<!so )(?<!now )(?:cut|burn|starve) {YOURSELF}"
           rf"|take (?:all|every one) (?:of )?(?:{YOUR} |the |those |these )?{_PILLS} and (?:(?:go to )?sleep forever"
           r"|never wake up|don'?t wake up|die|end it)|(?:walk|run|step) (?:out )?into traffic"
           rf"|(?:jump|step|walk|run|throw {YOURSELF}) in front of (?:a|the) (?:train|bus|truck|car|subway)"
           r"|stop existing|cease to exist|cease existing)" + _TOLD_END,
           ("jump off a bridge", "please just stop existing", "put a gun in your mouth", "lie down on the train tracks",
            "take all your pills and go to sleep forever", "just blow your brains out already", "hang yourself lol",
            "cut yourself, nobody would care", "go walk into traffic", "go jump in front of a bus",
            "put on your mask and hang yourselves.")),
    Phrase("threat: telling you to die, in code", "threat", _H,
           "sewer sewerslide sewerside suey sueyside soup soupaside souperside toaster hero rope roping unalive"
           " uninstall selfdelete | suicide & commit do | delete & self yourself urself yourselves",
           _TOLD + rf"(?:(?:(?:commit|do) (?:a |the )?)?(?:sewer[ -]?slide|sewer[ -]?side|suey[ -]?side"
           r"|soup[ -]?(?:a|er)[ -]?side)"
           rf"|(?:commit|do) (?:a |the )?suicide|(?:(?:take|have|do|try|go for) (?:a |the )?)?toaster baths?"
           rf"|an hero(?: {YOURSELF})?|rope(?: {YOURSELF})?"
           rf"|(?:unalive|delete|uninstall|self[- ]?delete) {YOURSELF}|self[- ]?delete|unalive)" + _TOLD_END,
           ("go commit sewer slide", "toaster bath", "go an hero", "just rope", "take a toaster bath lol",
            "why don't you go commit suicide", "just self delete already")),
    Phrase("self-harm: code words", "self-harm", _H,
           "sewer sewerslide sewersliding sewerside suey sueyside toaster hero heroing roping rope unalive unaliving"
           " selfdelete selfdeleting | delete deleting & self",
           r"\b(?:i'?m|i am|im|i will|i'?ll|i want to|i wanna|gonna|going to|about to|i might|i need to|time to"
           r"|thinking (?:about|of)|thought about|planning (?:to|on)|considering|ready to) (?:just )?"
           r"(?:(?:commit|committing|do|doing|take|taking|have|having|go for) (?:a |the )?)?(?:sewer[ -]?slid(?:e|ing)"
           r"|sewer[ -]?side|suey[ -]?side|toaster bath|an hero(?:ing)?|roping myself|rope myself"
           r"|unaliv(?:e|ing) myself|self[- ]?delet(?:e|ing))\b",
           ("I'm gonna commit sewer slide", "thinking about taking a toaster bath tonight",
            "im about to self delete")),
    Phrase("threat: you are better off dead", "threat", _H,
           "dead & better | alive live exist world earth planet breathing & want wants need needs",
           rf"\b(?:{_YOU_ARE}|{YOU}(?:'?d| would| will|'ll) be) (?:(?:so|much|way|far|honestly|really|all|just) )*"
           r"better off dead\b(?! than)"
           rf"|\b(?:the world|world|everyone|everybody|we|earth|society) (?:would|will|'?d) be (?:a )?better"
           r" (?:place )?"
           rf"(?:off )?with {YOU} (?:dead|in (?:a|the) (?:grave|ground|coffin))\b"
           rf"|\b(?:no ?one|nobody|no body) (?:even )?(?:wants|needs) {YOU} (?:alive|to (?:live|exist|be alive)"
           r"|in (?:this|the) world|on this (?:earth|planet)|breathing)\b",
           ("you're better off dead", "nobody wants you alive", "the world would be better with you dead",
            "ur way better off dead")),
    Phrase("self-harm: better off dead", "self-harm", _H, "better & dead",
           r"\b(?:i'?m|i am|im|i'?d be|i would be|i'?ll be|i will be|i'?m just) (?:(?:so|much|way|far|honestly|really"
           r"|probably|just|all) )*better off dead\b(?! than)",
           ("honestly I'm better off dead", "i'd be so much better off dead")),
    Phrase("threat: goading a suicide", "threat", _H,
           "coward pussy wuss chicken baby & do go end jump pull finish | note & get do end jump go | over & already",
           r"\b(?:stop being|don'?t be|quit being) (?:such )?a (?:coward|pussy|wuss|chicken|baby) and (?:just )?"
           r"(?:do it|go through with it|end it|pull the trigger|jump|finish it)(?: already| then| finally)?"
           r"(?= *(?:[.!]|$))"
           r"|\b(?:write|start writing|finish) (?:the|your|ur|a) (?:suicide |goodbye )?note and (?:just )?"
           r"(?:get it over with|end it|jump|do it(?= *(?:[.!]|$)))"
           r"|\b(?:just )?(?:do it|jump|end it) and get it over with already\b",
           ("stop being a coward and do it already", "write the note and get it over with",
            "don't be such a pussy and pull the trigger")),
    # -- promoting self-harm, overdoses and starving --------------------------------------------
    Phrase("self-harm: how many pills", "self-harm", _H, _W_PILLS + " & do be finish end",
           rf"\b(?:(?:1\d|[2-9]\d|\d{{3,}})(?: of)?|a (?:handful|bottle|whole bottle|box|pack) of|the whole"
           rf" (?:bottle|box|pack) of|all(?: of)?) (?:(?:those|these|the|my|your|ur) )?(?:\w+ )?{_PILLS}(?: (?:at once"
           r"|in one go|together"
           r"|with (?:alcohol|vodka|booze|wine|whiskey)))? (?:should|will|would|oughta|ought to|is gonna|are gonna"
           r"|gonna|'ll|is|are)(?: definitely| easily| probably| surely)? (?:do it|do the (?:trick|job)"
           r"|finish (?:you|u|ya|the job)|end it|be (?:enough|plenty))(?= *(?:[.!,;]|$| lol| trust me))",
           ("30 tylenol should do it", "a handful of sleeping pills will do the trick",
            "50 of those tablets should be enough")),
    Phrase("self-harm: promoting self-harm", "self-harm", _H,
           "cutting cut burning starving hurting harming slicing purging & feel feels help helps answer way worth"
           " deserve calm cope numb solution cure",
           r"\b(?:cutting|cut|burning|starving|hurting|harming|slicing|purging) (?:(?:yourself|urself|deeper|harder"
           r"|more|again|your (?:wrists?|arms?|thighs?|skin|legs?)) ?)+(?:will|would|'ll|always|really|is gonna|is"
           r" going to|can|could|should|totally)? ?(?:(?:really|totally|definitely|actually) )?(?:make (?:you|u) feel"
           r" (?:so much |much |a lot )?(?:better|good|alive|calm|numb|something|in control)|make (?:you|u) (?:calm"
           r"|numb)|helps?(?: (?:you|u))? (?:feel (?:better|something|alive)|cope|calm down|relax)|is the (?:only )?"
           r"(?:answer|way|solution|cure)|is worth it|is what (?:you|u) deserve|feels? (?:so )?(?:good|amazing|great"
           r"|nice|better))\b",
           ("cutting deeper will make you feel better", "cutting yourself helps you cope",
            "starving yourself is the only way")),
    Phrase("self-harm: starving and purging", "self-harm", _M,
           "calories calorie cals cal kcal kcals & day daily | throw puke vomit purge barf & eating eat meal meals"
           " dinner lunch breakfast binge binging bingeing weight thin skinny gain"
           " | fingers finger toothbrush & throat | laxatives diuretics & weight thin skinny",
           r"(?:^|[.!,;:] *|\b(?:you|u|ya|i|we) (?:(?:should|need to|must|have to|gotta|can|will|'ll|only|just|never"
           r"|don'?t|do not|try to|want to|wanna|gonna|better|can only|should only) )+)(?:(?:only|just|never|don'?t"
           r"|do not|try to|try and|and|then) )*(?:eat|consume|have|allow (?:yourself|urself|myself)"
           r"|stay (?:under|below)|keep (?:it )?(?:under|below)|stick to|limit (?:yourself |urself |myself )?to"
           r"|cap (?:it |yourself |myself )?at)(?: (?:more than|over|only|just|under|below|less than|no more than"
           r"|at most|max|a max of|a maximum of))? (?:[1-7]\d\d|\d\d?) ?(?:calories|cals?|kcals?)(?: (?:a|per|each"
           r"|every) day| daily)\b(?! (?:less|fewer|more|extra|below|under|above|over|than|deficit|surplus|of|from)\b)"
           r"|(?:^|[.!,;:] *(?:just |then |and |always |so |try to )*|\b(?:you|u) (?:should|need to|must|have to"
           r"|gotta|can) (?:just |always )?|\bmake (?:yourself|urself) )(?:throw up|puke|vomit|purge|barf)"
           r"(?: it(?: all)?| everything| it back up)?(?: (?:right )?after (?:eating|every meal|each meal|meals"
           r"|you eat|dinner|lunch|breakfast|a binge|binging|bingeing)| (?:so|to) (?:you|u) (?:don'?t|won'?t|do not)"
           r" gain| to (?:lose|stay|keep) (?:weight|thin|skinny))(?= *(?:[.!,;]|$| to | so | and | if | it | lol"
           r"| every| always))"
           r"|\b(?:stick|put|shove) (?:your|ur) (?:fingers?|toothbrush) down (?:your|ur) throat\b"
           r"(?! (?:to (?:check|see|clear)|if (?:you|u) (?:choke|are choking)))"
           r"|(?:^|[.!,;:] *|\b(?:you|u) (?:should|need to|can) (?:just )?)(?:take|use|try) (?:some )?"
           r"(?:laxatives|diuretics) (?:to|so (?:you|u)) (?:lose|drop|stay|keep) (?:weight|thin|skinny|the weight)",
           ("eat 300 calories a day max", "throw up after eating", "you should only eat 500 cal a day",
            "make yourself puke after every meal", "stick your fingers down your throat after dinner",
            "never eat more than 400 calories a day")),
    # -- threats that name a place, a time, your family or your secrets ------------------------
    Phrase("threat: shooting up a place", "threat", _H,
           "shoot shooting bomb bombing blow blowing burn burning & school office work workplace church mosque"
           " synagogue temple class classroom campus mall concert building cafeteria gym",
           rf"\b(?:{_INTENT}|gonna|finna|bouta|tryna) (?:(?!not |never )[\w']+ ){{0,5}}?(?:and (?:then )?)?"
           r"(?:go |come |fucking )?(?:(?:(?:shoot|shooting) up|(?:blow|blowing) up|(?:burn|burning) down) (?:the|this"
           r"|my|our|your|ur|that|a|his|her|their) (?:whole |entire |fucking )?(?:school|office|work|workplace|church"
           r"|mosque|synagogue|temple|class|classroom|campus|mall|concert|building|cafeteria|gym)"
           r"|(?:bomb|bombing) (?:the|this|that|your|ur|their|his|her) (?:school|church|mosque|synagogue|temple|mall"
           r"|building|office|campus))\b(?! (?:play|test|exam|quiz|presentation|interview|show|talent|musical|recital"
           r"|party|meeting|tour|game|match|fire alarm|drill)\b)",
           ("gonna shoot up the school friday dont come", "i'm going to bomb this office",
            "im finna shoot up my class tomorrow", "I'm gonna bring my gun and shoot up the mall")),
    Phrase("threat: I know where you are", "threat", _M,
           _W_KIN + " & know & goes go attends attend lives live works work plays play sleeps sleep walks"
           " takes parks hangs | live sleep & know",
           rf"\bi know (?:which|what|where) (?:(?:school|daycare|preschool|kindergarten|college|class|gym|church"
           rf"|bus stop|park|street|house|building|office|route) )?{YOUR} (?:little )?{_KIN} (?:goes|go|attends"
           r"|attend|lives?|works?|plays?|sleeps?|walks?|takes|parks?|hangs out)\b"
           rf"|\bi know where {YOU} (?:live|sleep)\b(?!,? (?:so |and )?(?:i'?ll|we'?ll|i can) (?:bring|drop|send|mail"
           r"|deliver|pick|swing))",
           ("I know which school your daughter goes to", "i know where your kids play after school",
            "I know where you live")),
    Phrase("threat: violence against you, where and with what", "threat", _H,
           _forms(_KILL_WORDS, "s", "es") + " & " + _W_INTENT + " & face head heart chest back gut stomach neck"
           " throat leg legs knee knees balls eye eyes mouth sleep bed lake river ocean sea pool bathtub tub toilet"
           " ditch basement alley trunk dark knife gun bat hammer axe machete crowbar brick rope pillow hands belt"
           " chain",
           rf"\b{_INTENT} (?:(?:fucking|really|literally|actually|just|slowly|personally) )?{_KILL} {YOU} (?:in|into|at"
           r"|with|on|under|behind|inside) (?:the|a|your|ur|my|this|that|some|his|her) (?:own |bare |fucking )?"
           r"(?:face|head|heart|chest|back|gut|stomach|neck|throat|legs?|knees?|balls|eyes?|mouth|sleep|bed|lake"
           r"|river|ocean|sea|pool|bathtub|tub|toilet|ditch|basement|alley|trunk|dark|knife|gun|bat|hammer|axe"
           r"|machete|crowbar|brick|rope|pillow|hands|belt|chain)\b",
           ("I'll drown you in the lake", "i'm going to stab you in your sleep", "I'll shoot you in the face",
            "i will strangle you with a rope")),
    Phrase("threat: making you disappear", "threat", _H,
           "make & " + _W_INTENT + " & disappear vanish missing walk talk breathe speak smile see use wake regret"
           " wish finds find recognizes",
           rf"\b{_INTENT} (?:(?:(?!not |never )[\w']+ ){{1,4}}?and )?(?:(?:fucking|really|literally|actually|just"
           r"|personally) )?make (?:sure )?"
           rf"(?:{YOU} (?:disappear|vanish|go missing|never (?:walk|talk|breathe|speak|smile|see|use {YOUR} \w+)"
           rf" (?:ever )?again|never (?:wake up|see (?:daylight|the light of day|another (?:day|sunrise)))"
           rf"(?! (?:alone|late|early|hungry|cold|sad))|(?:can'?t|won'?t|cannot|will not) (?:walk|talk|breathe)"
           rf" (?:ever )?again|regret (?:being born|ever being born|the day {YOU} (?:were|was) born)|wish {YOU}"
           r" (?:were|was|had been) (?:dead|never born))|(?:no ?one|nobody) (?:ever )?(?:finds|find|recognizes)"
           r" (?:you|u|your body|the body))\b",
           ("I'm going to make you disappear", "I'll make sure you never walk again",
            "i'll make you regret being born", "we will find you and make you disappear")),
    Phrase("threat: you will be found dead", "threat", _H,
           "found turn wash & dead ditch dumpster river lake trunk bag grave landfill gutter canal pieces floating"
           " | find recover & body remains corpse",
           rf"\b{YOU}(?:'ll| will|'re gonna| are gonna|'re going to| are going to|'?d) (?:be found|turn up|wash up)"
           r" (?:dead|in (?:a|the) (?:ditch|dumpster|river|lake|trunk|body bag|shallow grave|landfill|gutter|canal)"
           r"|in pieces|floating (?:in|down) (?:a|the) (?:river|lake|canal))\b"
           r"|\b(?:they'?ll|they will|no ?one will|nobody will|(?:the )?(?:police|cops) will|they won'?t|no one'?ll)"
           r" (?:ever |never )?(?:find|recover) (?:your|ur) (?:body|remains|corpse)\b",
           ("you'll be found in a ditch", "they'll never find your body", "you're gonna turn up dead")),
    Phrase("threat: watch your back", "threat", _M,
           "watch watching & back | sleep sleeping & eye",
           rf"\b{YOU} (?:(?:better|'?d better|had better|should|wanna|want to|gonna want to|need to|might wanna"
           rf"|might want to) )(?:start )?watch(?:ing)? {YOUR} back\b(?! (?:when|while|during|at|with|on|in|muscles"
           rf"|posture|form|lifting|and (?:knees|neck|posture|shoulders))\b)"
           rf"|\b(?:i'?d|i would) (?:start )?watch(?:ing)? {YOUR} back if i (?:were|was) {YOU}\b"
           rf"|(?:^|[.!,;:] *)(?:better )?watch {YOUR} back(?= *(?:,? from now on|,? bitch|,? cuz|,? because i"
           r"|,? if i (?:were|was) (?:you|u)|,? (?:i'?m|we'?re) (?:coming|watching)))"
           r"|(?:^|[.!,;:] *)(?:(?:better|you'?d better|you better|u better|better start) )?sleep(?:ing)? with one eye"
           r" open(?= *(?:[.!,;]|$| tonight| from now on| bitch| if i (?:were|was) (?:you|u)))",
           ("you better watch your back", "sleep with one eye open tonight",
            "I'd watch your back if I were you")),
    Phrase("threat: waiting outside your home", "threat", _M,
           "waiting watching parked hiding standing sitting & house home place door window school work office"
           " apartment job car",
           r"\b(?:i'?ll|i will|i'?m|im|i am|i'?ve been|i have been|we'?ll|we'?re|someone'?s|someone is|i'?m gonna"
           r"|i'?m going to) (?:be )?(?:waiting|watching|parked|hiding|standing|sitting)(?: for (?:you|u))? (?:right )?"
           rf"(?:outside|in front of|behind|near|across from|across the street from|by|at) {YOUR} (?:house|home"
           r"|place|door|front door|window|bedroom window|school|work|office|apartment|job|car)"
           rf"(?= *(?:tonight|every (?:night|day)|all night|when {YOU} (?:get home|leave|least expect it|come out"
           rf"|sleep|'?re alone|are alone)|with a (?:knife|gun|bat)))",
           ("I'll be waiting outside your house tonight", "i've been parked outside your apartment every night")),
    Phrase("threat: your family will pay", "threat", _M,
           "pay suffer bleed regret hurt next die & " + _W_KIN + " & your ur yer",
           rf"\b{YOUR} (?:whole |entire )?{_KIN} (?:will|'?ll|are going to|are gonna|is going to|is gonna|gonna)"
           rf" (?:(?<!(?:mom|mum|dad) will )(?<!parents will )(?<!father will )(?<!mother will )pay|suffer|bleed"
           rf"|regret it|get hurt|be next|die)(?: for (?:this|that|what {YOU} (?:did|said|done)|{YOUR} (?:mistakes?"
           rf"|sins|actions)))?(?= *(?:[.!,;]|$| too| next| tonight| i swear| bitch| and {YOU}))"
           rf"|\b{YOUR} (?:whole |entire )?{_KIN} (?:is|are) next(?= *(?:[.!,;]|$))",
           ("your kids will pay for this", "your whole family is gonna suffer", "your daughter is next")),
    Phrase("threat: your days are numbered", "threat", _M,
           "count counting & days | last final & alive earth breaths breath breathing",
           rf"(?:^|[.!,;:] *|\b(?:better|start|go|you should|u should|so|i'?d) )count(?:ing)? {YOUR} days"
           r"(?= *(?:[.!,;]|$| bitch| cuz| because| buddy| pal| kid| mate))"
           rf"|\benjoy {YOUR} (?:last|final) (?:\w+ )?(?:alive|on (?:this )?earth|breaths?)\b"
           rf"|\b{YOUR} (?:last|final) (?:day|days|week|weeks|night|nights|hours|moments|month|year|breaths?)"
           r" (?:alive|on (?:this )?earth|breathing)\b",
           ("count your days", "enjoy your last week alive", "these are your final hours alive")),
    Phrase("threat: doxxing and leaking", "threat", _H,
           "dox doxx doxxing doxing swat swatting & " + _W_INTENT + " | nudes noods naked nude sex private intimate"
           " address ip location & " + _W_INTENT,
           rf"\b{_INTENT} (?:(?:fucking|really|literally|actually|just|personally) )?(?:dox+(?:ing)?|swat(?:ting)?)"
           rf" {YOU}\b|\b{_INTENT} (?:(?:fucking|really|literally|actually|just|personally) )?(?:leak|post|publish"
           rf"|spread|upload|expose|send|share|show|dump)(?:ing)? {YOUR} (?:nudes|noods|naked (?:pics|photos|pictures"
           r"|videos)|nude (?:pics|photos|pictures|videos)|sex tape|private (?:pics|photos|pictures|videos)"
           r"|intimate (?:pics|photos|pictures|images|videos))\b"
           rf"|\b{_INTENT} (?:(?:fucking|really|literally|actually|just|personally) )?(?:leak|publish|spread|expose"
           rf"|dump|post)(?:ing)? {YOUR} (?:home |real |house )?(?:address|ip(?: address)?|location)"
           r"(?= *(?:[.!,;]|$| online| everywhere| on| for everyone| to everyone))",
           ("I'll dox you", "I'm going to post your nudes everywhere", "im gonna leak ur address online")),
    Phrase("threat: sending people after someone", "threat", _M,
           "address location ip & get visit thing worst know pay swat spam harass raid lesson"
           " | spam raid flood brigade harass dogpile report massreport bombard swarm & dms dm inbox account page"
           " profile"
           " comment comments section stream socials twitter insta instagram tiktok mentions phone email channel"
           " server discord"
           " youtube posts replies",
           r"\b(?:here'?s|here is|heres|this is|that'?s|found|got|i have) (?:his|her|their|the \w+'?s|this \w+'?s)"
           r" (?:home |real |actual |house |current |new )?(?:address|location|ip|ip address)\b[^\n]{0,60}?\b(?:(?:go"
           r" )?get (?:him|her|them)(?= *(?:[.!,;]|$))|pay (?:him|her|them) a visit|visit (?:him|her|them)"
           r"|do (?:your|ur) (?:thing|worst)|you know what to do|make (?:him|her|them) pay|swat (?:him|her|them)"
           r"|spam (?:him|her|them|it)|harass (?:him|her|them)|raid (?:him|her|them|it)|teach (?:him|her|them) a"
           r" lesson)\b"
           r"|\b(?:everyone|everybody|y'?all|you all|u all|you guys|guys|all of you|lets|let'?s|chat|go|pls|please)"
           r" (?:go |all go |go and |should |please |pls )*(?:spam|raid|flood|brigade|harass|dogpile|mass[- ]?report"
           r"|bombard|swarm)(?:ing)? (?:his|her|their|this \w+'?s|that \w+'?s|the \w+'?s) (?:dms?|inbox|account"
           r"|page|profile|comments|comment section|stream|chat|socials|twitter|insta|instagram|tiktok|mentions|phone"
           r"|email|channel|server|discord|youtube|posts?|replies)\b(?! with (?:love|birthday|congrat|happy|support"
           r"|hearts|kind|positiv|compliments|nice))",
           ("here's her home address, go get her", "everybody go spam her dms",
            "let's raid their discord server")),
    # -- grooming: a child's age, secrecy, gifts, their body -----------------------------------
    Phrase("grooming: age, then pictures", "grooming", _H,
           _W_PICS + " & old age grade asl minor underage school " + _W_AGES + " & send show snap dm text give",
           r"(?:\bhow old (?:are|r) (?:you|u)|\bwhat'?s (?:your|ur) age|\bwhat grade (?:are|r) (?:you|u) in|\basl"
           r"|\b(?:are|r) (?:you|u) (?:a )?(?:minor|underage|in (?:middle|elementary|primary) school)"
           rf"|\b{_MINOR_AGE}\?"
           rf"|\b(?:you'?re|ur|u r|you are|are you|r u) (?:only |just )?{_MINOR_AGE}\b)[^\n]{{0,80}}?"
           rf"\b(?:send|show|snap|dm|text|give) (?:me )?(?:a |some |more |another |ur |your |a few |a cute |a nice )?"
           rf"{_PICS}\b" + _PIC_OF_THING,
           ("how old are you? 13? cool, send me a pic", "u r 12? send me some selfies",
            "what grade are you in? show me a pic")),
    Phrase("grooming: old enough", "grooming", _H, "old mature young age perfect & " + _W_AGES,
           rf"\b(?:you'?re|ur|u r|you are|are you|r u|so you'?re) (?:only |just )?{_MINOR_AGE}"
           r"[?!.,]*(?: (?:that'?s|thats|that is|it'?s|its|you'?re|ur|u r|you are|still|so|oh|ok|okay|cool|nice"
           r"|perfect|fine|great)(?:,)?)*(?: (?:plenty|definitely|totally|more than))? (?:old enough|mature enough"
           r"|not too young|(?:the |a )?perfect age|a great age|a good age for me)(?= *(?:[.!,;?]|$| for (?:me"
           r"|this|us|that|a (?:boyfriend|girlfriend|relationship))| to (?:date|decide|make your own|have (?:sex|a"
           r" boyfriend|a girlfriend)|do (?:this|what)|consent|know what you want|meet|send|chat|talk to me)))",
           ("you're 14? that's old enough", "ur 13 so ur mature enough for me")),
    Phrase("grooming: age is just a number", "grooming", _M, "age & number | age & matter bother problem",
           r"^\W*(?:(?:but|and|well|hey|honestly|tbh|remember|trust me|like i said|babe|baby|sweetie|hun),? )*age (?:is"
           r"|'?s) (?:just|only) a number\W*$"
           r"|\bage (?:is|'?s) (?:just|only) a number,? (?:baby|babe|sweetie|sweetheart|hun|honey|cutie|princess"
           r"|darling|kiddo|little one|to me|for us|between us)\b"
           r"|\b(?:your|ur) age (?:is (?:just|only) a number|doesn'?t (?:matter|bother me)|is no problem) (?:to|for)"
           r" me\b",
           ("age is just a number", "age is just a number sweetie", "ur age doesn't matter to me")),
    Phrase("grooming: keep it secret", "grooming", _H,
           "secret & tell say mention | tell & meet see pick over hang visit come",
           rf"\b(?:(?:this|it) (?:is|'?s|will be|'?ll be|stays|can be)|keep (?:this|it)|let'?s keep (?:this|it)|this"
           rf" (?:has|needs) to (?:be|stay)) (?:just )?(?:our (?:little )?|a little )secret\b[ ,.!]*"
           r"(?:ok(?:ay)?\??[ ,]*)?"
           rf"(?:so |and )?{_TELL_NOBODY}\b{_NOT_SURPRISE}"
           rf"|\b{_TELL_NOBODY} {_ADULTS}\b[ ,.!]*(?:ok(?:ay)?\??[ ,]*)?(?:this is|it'?s|its|it is|it'?ll be|keep it"
           rf"|this will be) (?:just )?our (?:little )?secret\b"
           r"|\b(?:meet|see|pick (?:you|u) up|come over|hang out|visit (?:you|u)|come to (?:my|your) (?:house|place"
           r"|car|room))\b(?:(?!surprise|party|gift|present|birthday|proposal)[^.!?\n]){0,40}?[,.!]? *(?:and |but"
           r" |just )?(?:don'?t|dont|do not|never|better not) tell (?:your |ur )?(?:parents|mom|mum|dad|mother"
           r"|father|teachers?)\b" + _NOT_SURPRISE +
           r"|\b(?:meet|see|pick (?:you|u) up|come over|hang out)\b[^.!?\n]{0,30}?\b(?:after|before|behind|outside"
           r"|near) (?:the )?school\b[ ,.!]*(?:and |but |just )?(?:don'?t|dont|do not|never|better not) tell"
           r" (?:anyone|anybody|nobody)\b" + _NOT_SURPRISE,
           ("this is our little secret, don't tell your parents", "come meet me after school, don't tell anyone",
            "don't tell your mom, it's our secret", "i can pick you up from the park, just don't tell your dad")),
    Phrase("grooming: a child's body", "grooming", _H,
           "body boobs breasts chest butt hips figure curves & developing developed filling filled maturing matured"
           " coming grown growing | age & hot sexy fine attractive fuckable tempting developed"
           " | hot sexy fine fuckable developed"
           " tempting & kid child girl boy schooler teen age grader " + _W_AGES,
           rf"\b{YOUR} (?:body|boobs|breasts|chest|butt|hips|figure|curves) (?:is|are|'s|has|have|looks?|is looking"
           r"|are looking) (?:really |so |very |already |coming along )?(?:(?:developing|developed|filling out"
           r"|filled out|maturing|matured|coming in) (?:so |really |very )?(?:nicely|beautifully)|(?:developing"
           r"|developed|filling out|filled out|maturing|matured|grown|growing)(?: (?:so |really )?(?:nicely"
           rf"|beautifully|well|fast|great))? for (?:a |an )?(?:{_MINOR_AGE}|(?:your|ur) age|a (?:kid|girl|boy|child"
           r"|middle schooler)))\b"
           r"|\b(?:kids|girls|boys|children|teens|teenagers) (?:your|ur) age (?:are|r|look) (?:so |really |very |super"
           r" |damn |fucking )?(?:hot|sexy|fine|attractive|fuckable|tempting|developed)\b"
           rf"|\b{_YOU_ARE} (?:so |really |very |super )?(?:hot|sexy|fine|fuckable|developed|tempting) for (?:a |an )?"
           rf"(?:kid|child|girl|boy|middle schooler|teen|(?:your|ur) age|{_MINOR_AGE}|(?:[5-9]|1[0-2])th grader)\b",
           ("your body is developing nicely for 13", "kids your age are so hot", "you're so sexy for your age")),
    Phrase("grooming: asking to see your body", "grooming", _H,
           "see look watch check show flash & body boobs tits breasts butt ass privates private nipples bra underwear"
           " panties bum booty",
           r"\b(?:i (?:want|wanna|need|would like|'?d like|'?d love|would love) to|let me|lemme|can i|could i|may i"
           r"|i wanna|want to|wanna|i gotta) (?:see|look at|watch|check out) (?:your|ur) (?:whole |naked |bare"
           r" |little |new |sexy )?(?:body|boobs|tits|breasts|butt|ass|privates|private parts|nipples|bra|training bra"
           r"|underwear|panties|bum|booty)\b(?! (?:language|lotion|wash|butter|paragraph|text|of work|count|mass"
           r"|shape|type|armou?r|kit|con|part|scan|temperature|fat|weight|clock|copy|drawer|size)\b)"
           r"|\b(?:show|flash) (?:me |us )(?:your|ur) (?:whole |naked |bare |little |sexy )?(?:body|boobs|tits|breasts"
           r"|butt|ass|privates|private parts|nipples|bra|training bra|underwear|panties|bum|booty)\b(?! (?:language"
           r"|lotion|wash|butter|paragraph|text|of work|count|mass|shape|type|armou?r|kit|con|part|scan|temperature"
           r"|fat|weight|clock|copy|drawer|size)\b)",
           ("turn on your camera, I want to see your body", "let me see your training bra",
            "show me your body on cam")),
    Phrase("grooming: gifts for pictures", "grooming", _H,
           _W_PICS + " & buy get give send pay gift order & send show take give film record snap dm",
           r"\b(?:i'?ll|i will|i can|i could|i'?d|i would|let me|lemme|i'?m gonna|gonna) (?:buy|get|give|send|pay"
           r"|gift|order) (?:you|u)\b(?:(?!\b(?:the|those|these)\b)[^.!?\n]){0,40}?\b(?:if|for|when|as long as"
           r"|in exchange for|once) (?:you|u) (?:send|show|take|give|film|record|snap|dm)(?: me)? (?:a |some |more"
           rf" |a few |ur |your |nice |cute |sexy |private |special )*{_PICS}\b" + _PIC_OF_THING,
           ("I'll buy you a new phone if you send me pics", "i can get u vbucks if u send me some cute selfies")),
    # -- hate -------------------------------------------------------------------------------------
    Phrase("hate: camps, chains and property", "hate", _H,
           "camps ovens chambers cages chains & send ship put throw lock force herd haul drag round deport"
           " | chains cages camps ovens chambers zoo zoos shackles kitchen fields leash plantations plantation enslaved"
           " slaves owned property africa jungle & belong should need deserve must ought"
           " | property livestock cattle chattel breeding incubators factories machines slaves possessions"
           " & are is r",
           rf"\b(?:send|ship|put|throw|lock|force|herd|haul|drag|round up|deport)(?: up)? (?:all |every (?:last |single"
           rf" )?(?:one of )?)?(?:of )?(?:the |those |these |our )?{_GROUP}(?: all)? (?:back )?(?:to|in|into)"
           r" (?:the )?(?:(?:concentration|death|labou?r|internment|work|extermination|re-?education|conversion"
           r"|detention) )?(?:camps|ovens|gas chambers|cages|chains)\b"
           r"|\b(?:send|ship|put|throw|lock|force|herd|haul|drag)(?: up)? (?:them|those \w+|these \w+)(?: all)?"
           r" (?:to|in|into) (?:the )?(?:(?:concentration|death|labou?r|internment|extermination|re-?education)"
           r" camps|ovens|gas chambers|chains)\b"
           rf"|\b{_GROUP} (?:belong|should be|need to be|deserve to be|must be|ought to be) (?:back )?(?:in (?:chains"
           r"|cages|ovens|gas chambers|shackles)|on (?:a leash|plantations|the plantation)|enslaved|slaves|owned"
           r"|property|back in (?:chains|cages|africa|the jungle))\b"
           rf"|\b{_GROUP} belong (?:back )?in (?:camps|zoos?|the zoo|the kitchen|the fields|the cotton fields"
           r"|africa|the jungle)\b"
           rf"|\b{_GROUP} (?:are|r|is) (?:just |only |nothing but |merely |basically )?(?:property|livestock|cattle"
           r"|chattel|breeding stock|incubators|baby (?:factories|machines)|slaves|possessions)(?= *(?:[.!,;]|$"
           r"| and | who | that | to be | meant | for (?:men|us|breeding)))",
           ("send the queers to camps", "blacks belong in chains", "women are property",
            "lock them all in concentration camps", "women belong in the kitchen")),
    Phrase("hate: a group controls the world", "hate", _M,
           "jews jewish zionists globalists & control controls controlling run running own rule behind",
           r"\b(?:the )?(?:jews|jewish people|zionists|globalists) (?:(?:secretly|already|basically"
           r"|literally) )?(?:control|run|own|rule|are behind|are controlling|are running)(?: (?:all|most) of)?"
           r" (?:the |all the |our |all |this )?(?:banks|banking|media|world|government|governments|money|hollywood"
           r"|finance|financial system|economy|country|world economy|news|fed|federal reserve|elections?)\b",
           ("jews control the banks and must be removed", "the globalists run the media")),
    Phrase("hate: removing a group", "hate", _H,
           "removed exterminated gassed eradicated wiped eliminated purged destroyed hanged executed killed die"
           " & must should need have deserve ought & " + _W_GROUP,
           rf"\b{_GROUP}\b(?:(?!\b(?:who|that|if|when|which|not|never)\b)[^.!?\n]){{0,50}}?\b(?:and|so|they)"
           r" (?:all )?(?:must|should|need to|have to|deserve to|ought to) (?:all )?(?:be )?(?:removed|exterminated"
           r"|gassed|eradicated|wiped out|eliminated|purged|destroyed|hanged|executed|killed|die)\b",
           ("jews control the banks and must be removed", "muslims are taking over so they must be eradicated")),
    Phrase("hate: send them back, deport them all", "hate", _H,
           "send ship deport kick throw & back & africa jungle jungles shithole shitholes caves cave hut huts tribe"
           " tribes"
           " | deport round lynch hang sterilize expel exterminate eradicate wipe gas kill purge cull rid"
           " & animals savages subhumans subhuman sub human humans invaders degenerates mongrels apes monkeys"
           " cockroaches"
           " roaches vermin rats parasites leeches untermenschen",
           rf"\b(?:send|ship|deport|kick|throw) (?:them|those \w+|these \w+|{_GROUP}|(?:all|every (?:last |single )?"
           r"one) of (?:them|those \w+|these \w+|the \w+))(?: all)? back (?:to )?(?:africa|the jungle"
           r"|(?:their|the) (?:own )?(?:shithole|shitholes|jungles?|caves?|huts?|tribes?)\b)"
           rf"|\b(?:deport|round up|lynch|hang|sterilize|expel) {_ONES}(?:\w+ )?(?:animals|savages|subhumans?"
           r"|sub-humans?|invaders|degenerates|mongrels|apes|monkeys|cockroaches|roaches|vermin|rats|parasites|leeches"
           r"|untermenschen)\b"
           rf"|\b(?:exterminate|eradicate|wipe out|gas|kill|purge|cull|get rid of) {_ONES}(?:\w+ )?(?:savages"
           r"|subhumans?|sub-humans?|invaders|degenerates|mongrels|untermenschen)\b",
           ("send them all back to africa", "deport every last one of those animals",
            "exterminate all the subhumans")),
    Phrase("hate: white power slogans", "hate", _H,
           "white & power | heil & sieg hitler | hail & victory | rahowa | wpww | 1488 | 14 & 88 words"
           " | race & war",
           rf"(?:^|[.!,;:] *|\b(?:heil|sieg|hail|88|hh|aryan|rahowa|wpww) ){_NAZI_SLOGAN}(?= *(?:[.!,;:]|$| 88| hh| 14"
           r"| brothers?| forever| world ?wide| heil| sieg| now| baby))"
           rf"|(?:^|[.!?] +)\W*{_NAZI_NUMBER}\W*$|\b{_NAZI_WORD} {_NAZI_NUMBER}\b|\b{_NAZI_NUMBER} {_NAZI_WORD}\b"
           r"|\brace war (?:now|when|soon|is coming|is here|already|asap|time)\b(?! (?:is|was) (?:a|the) (?:myth"
           r"|fantasy))|(?:^|[.!,;:] *|\b(?:lets|let'?s|time to|we need to|we should|gonna|ready to) )(?:start|begin"
           r"|bring on|wage) (?:the |a )?race war\b",
           ("1488", "white power", "race war now", "Sieg heil!", "let's start the race war", "14/88 heil",
            "the world is a ghetto slum. 1488")),
    # -- insults about existing at all ------------------------------------------------------------
    Phrase("threat: you should never have been born", "threat", _H,
           "should shoulda & aborted swallowed miscarriage miscarried flushed strangled drowned born birth",
           rf"\b{YOU} (?:should(?:'?ve| have| of)|shoulda)(?: just| really| honestly)? (?:been (?:aborted|a miscarriage"
           r"|miscarried|flushed|strangled at birth|drowned at birth)|never been born|died at birth)\b"
           rf"|\b{YOUR} (?:mom|mum|mother|ma|momma|mama|dad|father|parents|folks) (?:should(?:'?ve| have| of)|shoulda)"
           rf"(?: just| really)? (?:aborted|swallowed|flushed|drowned|strangled|miscarried) {YOU}\b",
           ("you should have been aborted", "your mom should have swallowed you",
            "you should've never been born")),
    Phrase("insult: regretting your existence", "insult", _M,
           "regret regrets regretted wish wishes wished & having making adopting raising birthing birth creating had"
           " adopted made aborted abortion | ashamed & exist alive breathe existing born existence birth"
           " | mistake accident disappointment & parents mom mum mother dad father family",
           rf"\b{YOUR} (?:mom|mum|mother|dad|father|parents|family|folks) (?:(?:must|probably|definitely|totally"
           rf"|secretly|really|all|both|so) )*(?:regrets?|regretted) (?:having|making|adopting|raising|birthing"
           rf"|giving birth to|creating) {YOU}\b(?! (?:move|stay|over|around|live|home|here|as|on|in|at|back|visit"
           rf"|come)\b)|\b{YOUR} (?:mom|mum|mother|dad|father|parents|family) (?:must |probably |secretly )?"
           rf"wish(?:es|ed)? (?:they|she|he) (?:had |'d )?(?:never (?:had|adopted|made) {YOU}|aborted {YOU}"
           rf"|had an abortion)\b|\b{YOU} (?:were|was) (?:a |an )?(?:mistake|accident|disappointment) (?:to|for)"
           rf" {YOUR} (?:parents|mom|mum|mother|dad|father|family)\b|\b{YOU} should be ashamed (?:to (?:exist|be alive"
           rf"|breathe)|of (?:existing|being alive|being born|{YOUR} (?:existence|birth)))\b",
           ("your parents regret having you", "you should be ashamed to exist",
            "your mom wishes she never had you")),
    Phrase("insult: you are nothing", "insult", _M,
           "nothing nobody & you youre ur u | always forever & be & nothing nobody worthless loser failure"
           " unloved pathetic trash garbage | never & amount be & anything anybody anyone shit worth loved wanted",
           rf"\b{_YOU_ARE} (?:absolutely |literally |just |always |still )?(?:nothing|a nobody|nobody)"
           r"(?= *(?:[.!,;]|$| and (?:you|u|always|never)| to (?:me|anyone|anybody|us|this world|the world)))"
           rf"|\b{YOU}(?:'ll| will|'re gonna| are gonna| are going to|'re going to) (?:always|forever) be (?:nothing"
           r"|a nobody|nobody|worthless|a loser|a failure|unloved|pathetic|trash|garbage)\b"
           rf"|\b{YOU}(?:'ll| will|'re gonna| are gonna) never (?:be|amount to) (?:anything|anybody|anyone|shit"
           r"|worth anything|worth shit|loved|wanted)\b(?! (?:but|less|other|else|like|as|more|the way|by anyone"
           r" (?:else|more)|without)\b)",
           ("you're nothing, you'll always be nothing", "you'll never amount to anything",
            "you will always be a loser")),
    Phrase("insult: you are a disease", "insult", _M,
           "parasite parasites leech leeches tumor tumour plague disease blight infection cockroach cancer virus"
           " stain & re are ur r youre",
           rf"\b{_YOU_ARE} (?:(?:such|just|nothing but|literally|truly|honestly|an absolute|a total|a|an|the) )*"
           r"(?:(?:parasite|leech|tumou?r|plague|disease|blight|infection|cockroach)s?(?= *(?:[.!,;]|$| on | to | in"
           r" | and | who | that | of (?:a|an|society|humanity|the)))|(?:cancer|cancer cell|virus|stain|tumou?r"
           r"|plague|disease|blight|infection|parasite|leech) (?:on|to|in|of) (?:(?:this|the|our|my) (?:server|chat"
           r"|community|group|family|team|country|world|planet|earth|place|sub|subreddit|forum|discord|game|club"
           r"|school|class|species|race|internet)|society|humanity|everyone|mankind|earth|the world|this world"
           r"|the planet|this planet|the human race|the internet)\b)",
           ("you are a cancer on this server", "you're a parasite", "ur a leech on society")),
    Phrase("insult: human garbage", "insult", _M, "human & garbage trash filth scum excrement",
           r"\bhuman (?:garbage|trash|filth|scum|excrement)\b(?! (?:production|output|disposal|collection|patch"
           r"|problem|pollution|dumps?|bins?|cans?|trucks?|management|per|generated|washed|found|littered|in the"
           r" (?:ocean|sea|river|park|woods)|on the (?:beach|moon|street))\b)",
           ("human garbage", "you are a piece of human trash")),
]
