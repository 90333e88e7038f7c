"""Curated decisions applied by build_default_list.py on top of the public lists.

Principles: a term ships only if, as a whole word (plus inflections), it is rarely innocent in
chat. Ordinary words with a rude second sense (cock, tit, dick, pussy) stay with exceptions for
their innocent phrases; words whose innocent sense dominates (finger, escort, scat, bloody, sack,
nuggets) or that are clinical/neutral (penis, sexual, intercourse, nude) are dropped.
Markers: "*word*" anywhere in a word, "word*" starts a word, "*word" ends one, "=word" exact.
"""

from __future__ import annotations

L, M, H = "low", "medium", "high"

# Wildcard roots: any source term containing the root is folded into it (the root covers it).
ROOTS: dict[str, tuple[str, str]] = {
    "*fuck*": ("profanity", M), "fck*": ("profanity", M),
    "*fcking": ("profanity", M), "*fcker": ("profanity", M), "*fckers": ("profanity", M),
    "*fvck*": ("profanity", M), "*phuck*": ("profanity", M), "*shit*": ("profanity", M),
    "*cunt*": ("insult", H), "*nigger*": ("slur", H), "*nigga*": ("slur", H), "*bitch*": ("insult", M),
    "*whore*": ("insult", M), "*faggot*": ("slur", H), "twat*": ("insult", M), "*jizz*": ("sexual", M),
    "*wank*": ("sexual", M), "*asshole*": ("insult", M), "dickhead*": ("insult", M),
    "*cocksuck*": ("insult", M), "*tard": ("insult", M), "*tards": ("insult", M), "*idiot*": ("insult", L),
    "moron*": ("insult", L), "*dumbass*": ("insult", M), "*jackass*": ("insult", L),
    "*douchebag*": ("insult", L), "*scumbag*": ("insult", M),
    "*dipshit*": ("insult", M), "*retard*": ("insult", M), "*pedophil*": ("sexual", H),
    "*paedophil*": ("sexual", H), "*slut*": ("insult", M), "*libtard*": ("insult", M),
    # chat spellings without vowels (no English word holds these letters in a row)
    "*btch*": ("insult", M), "*bytch*": ("insult", M), "bstrd*": ("insult", M), "pssy*": ("sexual", M),
    "nggr*": ("slur", H), "fggt*": ("slur", H), "dckhead*": ("insult", M), "*bllsht*": ("profanity", M),
    "shtty": ("profanity", M), "*dipsht*": ("insult", M), "prck*": ("insult", L), "rtrd*": ("insult", M),
    "retrd*": ("insult", M), "fuxk*": ("profanity", M),
}

# Surge canonical form -> (category, severity) for its spelling variants.
CANONICAL: dict[str, tuple[str, str]] = {
    "fuck": ("profanity", M), "motherfucker": ("profanity", M), "shit": ("profanity", M),
    "bitch": ("insult", M), "ass": ("profanity", L), "damn": ("profanity", L), "arse": ("profanity", L),
    "bastard": ("insult", M), "cunt": ("insult", H), "twat": ("insult", M), "dick": ("insult", M),
    "cock": ("sexual", M), "knob": ("insult", L), "prick": ("insult", L), "douche": ("insult", L),
    "piss": ("profanity", L), "bollocks": ("profanity", L), "wank": ("sexual", M),
    "retard": ("insult", M), "skank": ("insult", M), "whore": ("insult", M), "slut": ("insult", M),
    "hoe": ("insult", M), "pussy": ("sexual", M), "jerk off": ("sexual", M), "jack off": ("sexual", M),
}

# Source terms never shipped: innocent senses dominate, clinical words, names, brands, or too short.
DROP: set[str] = {
    # everyday words with a rude second sense that dominates rarely
    "bates", "buttermilk", "nuggets", "crow", "crows", "cooties", "tart", "swine", "finger",
    "fingered", "fingering", "forked", "peter", "sack", "knob", "knobs", "nip", "dix", "coot",
    "coot coot", "puss", "pusses", "hustler", "escort", "domination", "collared", "collaring",
    "tramp", "spook", "spooks", "slit", "jigger", "bender", "knickers", "gayest", "gayness", "crotch",
    "booty", "butt", "suck", "sucks", "kinky", "smut", "panties", "panty", "pegging", "rimming",
    "scat", "skeet", "snowballing", "shrimping", "swinger", "sadism", "spanking", "undressing",
    "voyeur", "lolita", "playboy", "bareback", "hooters", "wang", "weenie", "ramrod", "diddle",
    "dipstick", "muff", "spunk", "dong", "bloody", "christ", "jesus", "jesus christ", "hell", "sperm",
    "mongrel", "gyp", "shylock", "pansy", "flamer", "flamers", "queer", "queers", "twink", "twinkie",
    "transvestite", "swastika", "suastika", "svastika", "klan", "nonce", "meat", "ape", "bum",
    "hardcore", "hard core", "tied up", "tight white", "taste my", "tongue in a", "girl on",
    "big black", "huge fat", "hot chick", "tainted love", "sultry women", "blonde action",
    "brunette action", "strip club", "spread legs", "how to kill", "how to murder", "make me come",
    "bbc", "bwc", "bbw", "nsfw", "nsfw images", "xx", "xxx", "sexo", "fick", "feck", "fecker",
    "dolt", "scut", "wop", "jap", "injun", "kraut", "krauts", "greaser", "cholo", "dago", "puta",
    "abbie", "aboe", "mong", "homo", "homos", "hoar", "nicker", "nig", "nigs", "niggs", "spig",
    "spik", "spix", "nicka", "nickas", "wog", "wogs", "sambo", "heeb", "gook-eye", "enby", "cishet",
    "switch hitter", "gym bunny", "gymbunny", "muscle mary", "bean queen", "potato queen",
    "rice queen", "chicken queen", "grey queen", "gray queen", "brownie king", "brownie queen",
    "crafty butcher", "t-girl", "tgirl", "transbian", "futanari", "ladboys", "ladboyz",
    "cissie", "cissy", "girlieboy", "girlyboy", "loose woman", "jim crow", "zip in the wire",
    "b to the inch", "crazy sob", "china man", "china men", "frog eater", "frog-eater",
    "frogeater", "mayonnaise monkey", "mayonnaise monkies", "haji", "hajji", "hadji", "greaseball",
    "golliwog", "gollywog",
    # clinical, neutral or topical words (a reply about health or news must pass)
    "sexual", "sexually", "sexuality", "intercourse", "genitals", "breasts", "rectum", "anus",
    "sphincter", "semen", "vulva", "vagina", "penis", "clitoris", "klitoris", "masturbation",
    "eunuch", "fecal", "nude", "nudity", "topless", "erotic", "erotism", "lovemaking", "bondage",
    "incest", "bestiality", "necrophilia", "sodomy", "ejaculate", "ejaculated", "ejaculating",
    "ejaculation", "viagra", "cialis", "vibrator", "orgasmic", "pornography", "pornographic",
    "sex", "sexy", "gay sex", "group sex", "missionary position", "menage a trois",
    "menages a trois", "pubes", "negroid", "neonazi", "neo-nazi", "neo nazi", "white power",
    "whitepower", "white-power", "pedoz", "grope", "groper", "domme", "dommes",
    "dominatrix", "femdom", "hentai", "yaoi", "ecchi", "shibari", "kinbaku", "omorashi", "guro",
    "onlyfans", "only fans", "literotica", "bellesa", "dipsea", "mvtube", "nawashi",
    "doggo style", "sixty-nine", "camel toe", "cameltoe", "impact play", "edge play", "edgeplay",
    "wax play", "strap on", "strapon", "tea bagging", "tea bagged", "foot fetish", "busty",
    "hickory switch", "leather restraint", "pleasure chest", "violet wand", "bullet vibe",
    "bullet vibrator", "urethra play", "electroplay", "electro-play", "birdlock", "babeland",
    "girls gone wild", "suicide girls", "livesex", "worldsex", "sexcam", "camgirl", "s&m",
    "bdsm", "ddlg", "mdlb", "wiitwd", "rosy palm", "ball sack", "nipple", "nipples", "boob",
    "dominate", "funbags", "juggs", "wet dream", "booty call", "phone sex", "fisted", "chocha",
    # Japanese/other-language words and names that collide
    "fuku", "fux", "fucx", "fuc", "fucs", "fook", "phuc", "phuk", "phuks", "phuq", "phuqs", "fuq",
    "santorum", "boston george", "hot richard", "hot carl", "peen", "peener", "vag", "bater",
    "cawk", "caaak", "cack", "caca", "cagone", "shet", "shat", "shiat", "shites", "shitey", "shitte",
    "shitti", "f'ed", "f'er", "mfs", "mfk", "mfing", "dafuq", "c0x", "coonie", "nobs", "wnker",
    "dlck", "dlcks", "diks", "azz", "tushy", "weiner", "quim", "poon", "nutten", "g-spot", "shota",
    "pthc", "2g1c", "1m1j", "dvda", "dp action", "stfu",
    # spellings that normalize onto ordinary words or abbreviations
    "masterb8", "masturb8", "4skin", "s_h_i_", "s_h_i_s", "sheeeet", "kkk", "god-dam", "god dam",
    "l3i + ch", "l3i+ch", "l3itches", "twa+", "sh!+", "sh! +", "shi+", "shi+y", "c0xux0r", "n1g3r",
    "n1g3rz", "sob", "s.o.b.", "s.o.b.s", "pos", "mf", "mfr", "fn", "slag", "poof", "feg", "leso",
    "f0ck", "f0cked", "f0cker", "f0ckers", "f@k", "bi + ch", "a-hole",
    # phrases that are also innocent
    "jelly donut", "ball kicking", "ponyboy", "pony boy", "pony-boy", "pony girl", "ponygirl",
    "pony-girl", "pony play", "pony-play", "ponyplay", "beat off", "nut butter", "dump a load",
    "prince albert piercing", "cotton picker", "girl on top", "dog style", "jigga", "jiggas",
    "j3rk", "snatch",
    # a mask reads "p@ssing" (passing) as this; and "it's pissing down" is rain
    "pissing",
}

# Corrections of source terms (category/severity or markers) and terms no source has.
OVERRIDE: dict[str, tuple[str, str]] = {
    "ass": ("profanity", L),
    "asses": ("profanity", L), "damn": ("profanity", L), "goddamn": ("profanity", L),
    "god damn": ("profanity", L), "crap": ("profanity", L), "bugger": ("profanity", L),
    "bastard": ("insult", M), "bastards": ("insult", M), "prick": ("insult", L),
    "douche": ("insult", L), "cock": ("sexual", M), "dick": ("insult", M), "pussy": ("sexual", M),
    "tit": ("sexual", L), "tits": ("sexual", L), "titty": ("sexual", L), "titties": ("sexual", L),
    "boobs": ("sexual", L), "boner": ("sexual", L), "horny": ("sexual", L), "anal": ("sexual", L),
    "cum": ("sexual", M), "porn": ("sexual", M), "porno": ("sexual", M), "orgasm": ("sexual", L),
    "orgy": ("sexual", L), "threesome": ("sexual", L), "hooker": ("insult", L),
    "masturbate": ("sexual", L), "masturbating": ("sexual", L), "rape": ("sexual", H),
    "raping": ("sexual", H), "rapist": ("sexual", H), "molester": ("sexual", H),
    "jailbait": ("sexual", H), "hoe": ("insult", M), "hoes": ("insult", M),
    "negro": ("slur", M), "negroes": ("slur", M), "chink": ("slur", H), "coon": ("slur", H),
    "spic": ("slur", H), "fag": ("slur", H), "dyke": ("slur", M), "tranny": ("slur", H),
    "kike": ("slur", H), "paki": ("slur", H), "sissy": ("insult", L), "bimbos": ("insult", L),
    "spastic": ("insult", M), "wanker": ("insult", M), "tosser": ("insult", L),
    "bellend": ("insult", M), "arsehole": ("insult", M), "bollocks": ("profanity", L),
    "piss off": ("profanity", L), "pissed off": ("profanity", L), "@sshole": ("insult", M),
}

EXTRA: dict[str, tuple[str, str]] = {
    # insults
    "imbecile": ("insult", L), "cretin": ("insult", L), "nitwit": ("insult", L),
    "dimwit": ("insult", L), "halfwit": ("insult", L), "numbskull": ("insult", L),
    "stupid": ("insult", L), "stupidity": ("insult", L), "dumb": ("insult", L), "dumber": ("insult", L),
    "dumbest": ("insult", L), "loser": ("insult", L), "scum": ("insult", L),
    "scumbags": ("insult", M), "lowlife": ("insult", L),
    "piece of crap": ("insult", M), "piece of garbage": ("insult", M), "piece of trash": ("insult", M),
    "piece of dung": ("insult", M),
    "son of a bitch": ("insult", M), "a-hole": ("insult", M), "a-holes": ("insult", M), "ahole": ("insult", M),
    "asshat": ("insult", M), "asswipe": ("insult", M), "assclown": ("insult", M),
    "fatass": ("insult", M), "lardass": ("insult", M), "smartass": ("insult", L),
    "shut up": ("insult", L), "screw you": ("insult", L), "shut your mouth": ("insult", L), "gtfo": ("profanity", M),
    "gfy": ("profanity", M), "fjb": ("profanity", L), "stfu": ("profanity", M), "wtf": ("profanity", L),
    "lets go brandon": ("profanity", L), "let's go brandon": ("profanity", L),
    "f off": ("profanity", M), "f you": ("profanity", M), "f u": ("profanity", M),
    "eff off": ("profanity", L), "eff you": ("profanity", L), "effing": ("profanity", L),
    "ffs": ("profanity", L), "mfer": ("profanity", M), "mthrfckr": ("profanity", M), "fkn": ("profanity", M),
    "libturd": ("insult", M), "magat": ("insult", M), "magats": ("insult", M),
    "democrap": ("insult", L), "democraps": ("insult", L), "repuke": ("insult", L),
    "repukes": ("insult", L),
    "go to hell": ("insult", M), "rot in hell": ("threat", M), "burn in hell": ("threat", M),
    "what the hell": ("profanity", L), "hell no": ("profanity", L),
    "a**": ("profanity", L), "f'n": ("profanity", L),
    # chat spellings and slang found missing by a held-out probe (fourth session)
    "fuq": ("profanity", M), "phuk": ("profanity", M), "shyt": ("profanity", M), "omfg": ("profanity", L),
    "niqqa": ("slur", H), "niqqas": ("slur", H), "niqqer": ("slur", H), "retart": ("insult", M),
    "retarts": ("insult", M), "dickwad": ("insult", M), "dickweed": ("insult", M), "thot": ("insult", M),
    "thots": ("insult", M), "twunt": ("insult", H), "minge": ("sexual", M), "cuck": ("insult", L),
    "cucks": ("insult", L), "spaz": ("insult", M), "wazzock": ("insult", L), "sext": ("sexual", L),
    "pisshead": ("insult", L), "pissheads": ("insult", L), "piss-take": ("profanity", L), "fook off": ("profanity", M),
    "fookin": ("profanity", M), "fooking": ("profanity", M), "fagit": ("slur", H), "fagits": ("slur", H),
    "nibba": ("slur", M), "nibbas": ("slur", M), "dickish": ("insult", M), "whorish": ("insult", M),
    # slurs, insults and chat spellings found missing by a held-out probe (fifth session); "nonce"
    # (cryptography), "mong", "sped", "abo", "sloot" and "nikka" stay out: their innocent senses dominate
    "yid": ("slur", H), "yids": ("slur", H), "heeb": ("slur", M), "heebs": ("slur", M),
    "poofter": ("slur", H), "poofters": ("slur", H), "dago": ("slur", H), "dagos": ("slur", H),
    "gyppo": ("slur", M), "gyppos": ("slur", M),
    "gippo": ("slur", M), "injun": ("slur", M), "injuns": ("slur", M), "squaw": ("slur", M), "squaws": ("slur", M), "paedo": ("insult", M),
    "paedos": ("insult", M), "bint": ("insult", L), "slag": ("insult", L), "numbnuts": ("insult", L),
    "plonker": ("insult", L), "landwhale": ("insult", M), "land whale": ("insult", M),
    "sheeit": ("profanity", M), "sheit": ("profanity", M), "shiet": ("profanity", M),
    "biyatch": ("insult", M), "byatch": ("insult", M), "azzhat": ("insult", M), "dik": ("insult", M),
    "dikhead": ("insult", M), "dikhed": ("insult", M), "fagget": ("slur", H), "faggit": ("slur", H),
    "phag": ("slur", H), "fgt": ("slur", H), "whor": ("insult", M), "whoring": ("insult", M),
    "fvk": ("profanity", M), "fux": ("profanity", M),
    # sexual demands made of the reader (the same probe): held, not redacted
    "send nudes": ("sexual", M), "send me nudes": ("sexual", M), "send me your nudes": ("sexual", M),
    "show me your tits": ("sexual", M), "show me your boobs": ("sexual", M), "show me your pussy": ("sexual", M),
    "show me your dick": ("sexual", M), "sit on my face": ("sexual", M), "eat your ass": ("sexual", M),
    "spread your legs": ("sexual", M), "moan for me": ("sexual", M), "let me finger you": ("sexual", M),
    "suck my balls": ("sexual", M),
    "piece of sh it": ("insult", M), "f ck you": ("profanity", M), "f ck off": ("profanity", M),
    "f ck yourself": ("profanity", M), "go kill yourself": ("threat", H), "pusy": ("sexual", M),
    "azz": ("profanity", L), "biznatch": ("insult", M), "nigr": ("slur", H), "neeger": ("slur", H),
    "kneegrow": ("slur", H), "knee grow": ("slur", H), "fook": ("profanity", M), "twit": ("insult", L),
    "incel": ("insult", L), "you cripple": ("insult", M), "soyboy": ("insult", L), "buttface": ("insult", L),
    "whitey": ("slur", M), "kraut": ("slur", M), "krauts": ("slur", M), "ur mom gay": ("insult", L),
    "that's so gay": ("insult", L), "you're so gay": ("insult", L), "up yours": ("profanity", L),
    "you'll die alone": ("insult", M), "sewer slide": ("threat", H), "toaster bath": ("threat", H),
    "commit die": ("threat", M),
    # plain-word harm a second fresh probe found (fifth session)
    "i have your nudes": ("threat", H), "leak your nudes": ("threat", H), "send nudez": ("sexual", M),
    "send me nudez": ("sexual", M), "ana buddy": ("self-harm", M), "pro ana": ("self-harm", M),
    "thinspo": ("self-harm", M), "meanspo": ("self-harm", M), "gas them all": ("threat", H),
    "should all be gassed": ("threat", H), "should be gassed": ("threat", H), "burn down the mosque": ("threat", H),
    "burn down the synagogue": ("threat", H), "burn down the church": ("threat", H),
    "shoot up your house": ("threat", H), "set your house on fire": ("threat", H),
    "get cancer and die": ("threat", H), "shoot yourself": ("threat", H), "sex slave": ("sexual", M),
    # the core words written backwards (kcuf, hctib); not "tihs", a common typo of "this"
    "kcuf": ("profanity", M), "gnikcuf": ("profanity", M), "rekcuf": ("profanity", M),
    "rekcufrehtom": ("profanity", M), "hctib": ("insult", M), "tnuc": ("insult", H), "kcoc": ("sexual", M),
    "toggaf": ("slur", H), "reggin": ("slur", H), "aggin": ("slur", H), "erohw": ("insult", M),
    "tuls": ("insult", M), "drater": ("insult", M), "kcid": ("insult", M), "yssup": ("sexual", M),
    "elohssa": ("insult", M), "dratsab": ("insult", M), "tawt": ("insult", M), "reknaw": ("insult", M),
    "knihc": ("slur", H), "nrop": ("sexual", M), "zzij": ("sexual", M),
    # English chat uses it as an accusation (surge_toxicity_en.csv has two); Spanish phrases are exceptions
    "pedo": ("insult", M), "pedos": ("insult", M),
    # threats and incitement
    "kill yourself": ("threat", H), "kill urself": ("threat", H), "kill your self": ("threat", H),
    "kys": ("threat", H), "go die": ("threat", H), "drop dead": ("threat", H),
    "i will kill you": ("threat", H), "i'll kill you": ("threat", H), "ill kill you": ("threat", H),
    "gonna kill you": ("threat", H), "going to kill you": ("threat", H),
    "i will hurt you": ("threat", H), "i'll hurt you": ("threat", H),
    "i will murder you": ("threat", H), "i'll murder you": ("threat", H), "you should die": ("threat", H),
    "die in a fire": ("threat", H), "neck yourself": ("threat", H), "unalive yourself": ("threat", H),
    "hope you die": ("threat", H), "hope u die": ("threat", H), "should be shot": ("threat", H),
    "should be hanged": ("threat", H), "should be executed": ("threat", H), "deserve to die": ("threat", H),
    "deserves to die": ("threat", H), "slit your throat": ("threat", H),
    "beat you up": ("threat", M), "burn them all": ("threat", H),
    # The keyword stage also matches the usual chat spellings of these (i'll, ill, im gonna,
    # imma, u, ya, ur ...) and "-", "_", "." or nothing between the words (moderation/termforms.py),
    # so each phrase is listed once. Verbs that are innocent with "you" (shoot you an email,
    # hit you up, beat you at chess, find you a seat, end you) are left out.
    "i'm going to kill you": ("threat", H), "we will kill you": ("threat", H),
    "we're going to kill you": ("threat", H), "i will kill your family": ("threat", H),
    "i'm going to murder you": ("threat", H), "i will stab you": ("threat", H),
    "i'm going to stab you": ("threat", H), "i will strangle you": ("threat", H),
    "i'm going to strangle you": ("threat", H), "i'm going to hurt you": ("threat", H),
    "hunt you down": ("threat", H), "find you and kill you": ("threat", H),
    "find you and hurt you": ("threat", H), "i know where you live": ("threat", M),
    "i will break your neck": ("threat", H), "bullet in your head": ("threat", H),
    "blow your brains out": ("threat", H), "beat you to death": ("threat", H),
    "burn your house down": ("threat", H), "hope you get cancer": ("threat", H),
    "hope you get raped": ("threat", H), "hope you get shot": ("threat", H),
    "hope your family dies": ("threat", H), "hang yourself": ("threat", H),
    "go drink bleach": ("threat", H), "slit your wrists": ("threat", H),
    # self-harm
    "kill myself": ("self-harm", H), "killing myself": ("self-harm", H), "end my life": ("self-harm", H),
    "want to die": ("self-harm", H), "wanna die": ("self-harm", H), "slit my wrists": ("self-harm", H),
    "hang myself": ("self-harm", H), "suicidal": ("self-harm", M),
    "commit suicide": ("self-harm", H), "how to suicide": ("self-harm", H),
    "take my own life": ("self-harm", H), "end my own life": ("self-harm", H),
    "want to end it all": ("self-harm", H), "going to end it all": ("self-harm", H),
    "don't want to live anymore": ("self-harm", H), "don't want to be alive": ("self-harm", H),
    "no reason to live anymore": ("self-harm", H), "nothing to live for": ("self-harm", H),
    "slit my wrist": ("self-harm", H), "better off dead": ("self-harm", M),
    "starve myself": ("self-harm", M),
}

# Innocent words and phrases that contain or equal a term.
EXCEPTIONS: list[str] = [
    "scunthorpe", "penistone", "cocktail", "cockatoo", "cockatiel", "cockpit", "cockroach",
    "cocker spaniel", "cock-a-doodle-doo", "cocked", "cocking", "cocky", "peacock", "shuttlecock",
    "hancock", "dickens", "dickinson", "dickie", "moby dick", "philip k dick", "philip k. dick", "dick van dyke",
    "dick cheney", "dick tracy", "dick clark", "spices", "spiced", "spicy", "butter", "buttered",
    "cumin", "cumming", "cum laude", "titer", "titers", "tit for tat", "blue tit", "great tit", "coal tit",
    "pussycat", "pussy cat", "pussy willow", "pussyfoot", "pussyfooting", "chink in", "chinks in",
    "coon hound", "coonhound", "coonskin", "raccoon", "shitake", "shitake mushrooms", "shittim",
    "shittah", "kshitij", "snigger", "sniggered", "sniggering", "sniggers", "niggard",
    "niggardly", "swank", "swanky", "swanker", "mustard", "custard", "leotard", "unitard", "petard",
    "dastard", "dastardly", "retardant", "retardants", "retardation", "moroni", "scunthorpe united",
    "anal retentive", "analog", "analogue", "van dyke", "dyker heights", "sussex", "essex",
    "middlesex", "therapist", "analysis", "classic", "assassin", "grape", "hoed", "hoeing", "cockney", "babcock", "woodcock", "hitchcock", "spick and span",
    "spic and span", "faggoting", "prickly", "pinprick", "pin prick", "crappie", "twattle",
    "essex", "mishit", "mishits", "dumbbell", "dumbed down", "dumbing down", "dumbs down",
    "deaf and dumb", "drop dead gorgeous", "rio negro", "negro league", "negro leagues",
    "united negro college fund", "honky tonk", "honky-tonk", "tranny fluid", "kshitiz",
    # inflections and compounds that are other words (found with a dictionary check)
    "assess", "chinked", "chinking", "cockier", "cockiest", "craps", "crapes", "damning",
    "dicker", "dickers", "dickies", "dicky", "fagin", "pricked", "pricking", "spica", "spicier",
    "spiciest", "spicing", "tardy", "tardier", "tardiest", "wankel", "saltwater", "wristwatch",
    "smartwatch",
    # found by the robustness pass (tests/moderation/test_lookalikes.py)
    "*shita", "niggardliness", "swankest", "retarding", "drop-dead", "garden hoe", "garden hoes",
    "dutch hoe", "rake and hoe", "hoe and rake", "cockfosters",
    # doubled-vowel spellings (shiit) that are words, and a site name
    "shiite", "shiites", "shiitake", "shiitakes", "bitchute",
    # "wet back" is listed as the slur spelled apart; a wet back is also just wet
    "my wet back", "his wet back", "her wet back", "your wet back", "their wet back", "a wet back",
    "the wet back", "wet back of",
    # names, dishes, breeds and idioms found by a look-alike probe (third session)
    "pussy riot", "shittu", "gaylord opryland", "gaylord hotel", "gaylord hotels", "gaylord perry",
    "faggot and peas", "faggots and peas", "faggots in gravy", "coon cat", "coon cats", "maine coon",
    "maine coons", "cock crowed", "cock crows", "cock crowing", "the cock crow", "cockcrow",
    "retard the growth", "retard the ignition", "retard the timing", "retard the spread",
    "retard the progress", "retard the development", "retard growth", "retards growth",
    "hoe the garden", "hoe the weeds", "hoe a row", "hoe the soil", "effinger", "shitterton",
    "dyke road", "kike hernandez", "wankdorf",
    # surnames and breeds found by a dictionary check of the 60,000 commonest English words
    "spicer", "spicers", "cocker", "cockers",
    # names, places and words with a term inside (the same check, down to the 250,000th word)
    "lifshitz", "cushitic", "kushite", "kushites", "peshitta", "bereshit", "rakshit", "aishiteru",
    "ashitaka", "yoshitsune", "yoshitaka", "yoshito", "shitzu", "wankhede", "nwankwo", "kwankwaso",
    "moroney", "morongo", "morone", "morones", "titin", "titins", "bustard", "bustards", "lyotard",
    "sittard", "tardes", "tardies", "motard", "cotard", "batard", "attard", "pittard", "quintard",
    "mouffetard", "kyser", "kuntz", "hoey", "slutsky", "gowling", "beanery", "assez",
    # a surname found by a held-out look-alike probe (fourth session)
    "dikshit",
    # clinical terms (a held-out probe of supportive and medical replies, fourth session)
    "suicidal ideation", "suicidal ideations",
    # dishes, places and neutral reporting found by a second held-out probe (fourth session)
    "spotted dick", "cock-a-leekie", "cockaleekie", "cock a leekie", "twatt", "rapeseed", "oilseed rape",
    "rape crisis", "rape survivor", "rape survivors", "rape victim", "rape victims", "rape conviction",
    "rape convictions", "rape charge", "rape charges", "rape case", "rape cases", "rape culture", "date rape",
    "statutory rape", "marital rape", "rape kit", "rape kits", "rape allegation", "rape allegations",
    "rape trial", "rape trials", "accused of rape", "convicted of rape", "charged with rape",
    # names, places, foreign words and idioms found by a word-level held-out probe (fourth session)
    "lipshitz", "shitrit", "ashit", "wankie", "slutet", "slutspurt", "slutsats", "slutligen", "cum-ex",
    "cock the rifle", "cock the gun", "cock the pistol", "cock the hammer", "cock of the walk",
    "dick's sporting goods", "sehr dick", "jij kunt", "je kunt", "u kunt", "kunt u", "kunt je", "kunt jij",
    "perro negro", "gato negro", "color negro", "pelo negro", "vestido negro", "cafe negro", "mar negro",
    # a British word for ugly (minge is listed), the town of Squaw Valley (fifth session)
    "minger", "mingers", "minging", "squaw valley", "ball cock", "ballcock", "stopcock", "stop cock",
    "revenge porn", "en retard", "est en retard", "suis en retard", "sont en retard", "shoot yourself in the foot",
    "shot yourself in the foot", "dikes", "diked", "woops", "tighty whitey", "tighty whities", "tightey whitey",
    "tighty-whities", "tighty-whitey", "injun joe", "slut-shaming",
    "slut shaming", "slutshaming", "slut-shame", "slut shame",
    # "die" for "dye" (a common typo)
    "want to die my hair", "wanna die my hair", "want to die your hair", "want to die her hair",
    "humor negro", "agujero negro", "viernes negro", "negro de humo", "blanco y negro", "pissarro",
    "pissaladiere", "que pedo", "qué pedo", "un pedo", "ni pedo", "el pedo", "tirarse un pedo", "pedo de",
]

# Core words whose self-censored spellings (f*ck, b**ch, a**hole) are generated: every block of
# interior letters, and everything after the first letter, masked with "*".
MASKED: dict[str, tuple[str, str]] = {
    "fuck": ("profanity", M), "fucking": ("profanity", M), "fucker": ("profanity", M),
    "motherfucker": ("profanity", M), "shit": ("profanity", M), "bullshit": ("profanity", L),
    "bitch": ("insult", M), "cunt": ("insult", H), "dick": ("insult", M), "pussy": ("sexual", M),
    "asshole": ("insult", M), "bastard": ("insult", M), "nigger": ("slur", H), "nigga": ("slur", H),
    "faggot": ("slur", H), "whore": ("insult", M), "slut": ("insult", M), "damn": ("profanity", L),
    "retard": ("insult", M), "cock": ("sexual", M), "twat": ("insult", M), "wanker": ("insult", M),
}
