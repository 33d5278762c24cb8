"""Search keys for Arabic personal and group names, spelled in Latin or Arabic script.

Two keys per name, one token per name token (same count, same order):

* ``fold``: the strict key. Marks and diacritics gone, articles dropped, doubled letters
  collapsed, common spelling alternations unified (ou/oo/o/u, ee/e/i, ay/ai/ei/ey, -ah/-a,
  dh/d, gh/g). Vowels are kept, so it rarely merges two different names.
* ``skeleton``: the looser key. Vowels dropped, but a y or w that stands for a consonant,
  a diphthong or a long vowel in a final closed syllable is kept (Husayn "hsyn" is not
  Hasan "hsn"), and a final -i is kept as the marker "i" (nisba Baghdadi "bgddi" is not the
  city Baghdad "bgdd"). Arabic script is normalised and transliterated to the same alphabet,
  so ركان وحيد الشمري and "Rakkan Wahid al-Shammri" meet here.

A search matches a token on either key; ``similarity`` then ranks the candidates and keeps
its looser comparisons (y/w dropped, fuzzy ratios) out of the keys.

The rules follow measurements on press spellings recorded in shared/STACK.md ("Text tools
that work offline").
"""

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from anyascii import anyascii
from rapidfuzz.fuzz import ratio

__all__ = ["fold", "similarity", "skeleton"]

# --- characters ----------------------------------------------------------------------------

# Apostrophe-like marks for hamza and ayn. They vanish from the keys but, inside a Latin
# token, still separate two vowels: "Qa'ida" is qa-ida, not the diphthong of "Qaida".
_MARKS = "'‘’‛`´ʹʻʼʽʾʿˈˊˋ′＇｀ꞌ"
_MARK_TABLE = str.maketrans(dict.fromkeys(_MARKS, "'"))
_HIATUS = "'"

# Camel-cased prefixes glued to the next word: "AlQahtani", "AbuBakr".
_CAMEL_PREFIX = re.compile(r"(?<![A-Za-z])(Al|El|Abu|Abou|Abd|Ibn|Bin)(?=[A-Z][a-z])")
_SPLIT = re.compile(r"[^\w']+|_")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")

_VOWELS = frozenset("aeiou")

# --- Latin token splitting -----------------------------------------------------------------

# A bare article token ("Al Shammari", "al-Baghdadi" split at its hyphen) is always dropped.
_ARTICLES = frozenset({"al", "el", "ul", "il", "l"})
# Assimilated articles (ash-Sham, ad-Dawla, an-Nusra) only when the next token starts with
# the same consonant: "as" or "an" on their own may be real words.
_SUN_ARTICLES = frozenset(
    f"{vowel}{consonant}"
    for vowel in "aeu"
    for consonant in ("d", "dh", "r", "s", "sh", "t", "th", "z", "n")
)
# "Alshammari": a glued article before a consonant other than l, w, y (Allawi, Alwan, Alyan
# are names of their own), and at least four letters after it.
_GLUED_ARTICLE = re.compile(r"al([b-df-hj-km-np-tvxz][a-z']{3,})")
_GLUED_ABU = re.compile(r"(?:abu|abou)([b-df-hj-np-tv-z][a-z']{2,})")
# Abd + article + name: Abdul Rahman, Abdel-Aziz, Abdurrahman, Abdulkarim.
_GLUED_ABD = re.compile(r"abd(?:([aeiou])(l?))?([a-z']*)")
# Compounds with Allah; "Abdullah" is Abd + Allah, as عبد الله is.
_ALLAH = frozenset({"allah", "alla", "allaah", "ullah", "ulla", "illah", "lah", "la", "ah"})
# -uddin, -eddine, -aldin: Salahuddin is Salah ad-Din.
_GLUED_DIN = re.compile(r"([a-z']{3,}?)(?:[aeiu]dd|[aeu]ld)(?:i|ee|ii)ne?")

# Tokens with a fixed key pair: spellings of "son of", and Allah (whose -ah is not the
# feminine ending that fold trims).
_CANONICAL = {
    "ibn": ("bin", "bn"),
    "bin": ("bin", "bn"),
    "ben": ("bin", "bn"),
    "bn": ("bin", "bn"),
    "allah": ("allah", "lh"),
}
# Kunya and "son of" words: shared by so many names that they weigh little in a ranking.
_GENERIC = frozenset({"abu", "abi", "bin", "bint", "abd", "um"})

# --- Arabic letters ------------------------------------------------------------------------

_ALEF, _WAW, _YEH, _TEH_MARBUTA, _ALEF_MAQSURA = "ا", "و", "ي", "ة", "ى"
_ARABIC_TABLE = str.maketrans(
    {
        "ٱ": _ALEF,  # alef wasla
        "ء": None,  # a lone hamza; hamza on a carrier is already gone with the marks
        "ـ": None,  # tatweel
        "ی": _YEH,  # Persian yeh
        "ک": "ك",  # Persian kaf
        "ھ": "ه",
        "ە": "ه",
        "\u200c": None,  # zero-width non-joiner
    }
)
# Letters that are vowels (or their carriers) for the skeleton.
_ARABIC_VOWELS = frozenset({_ALEF, _WAW, _YEH, _TEH_MARBUTA, _ALEF_MAQSURA})


class _Token(NamedTuple):
    fold: str
    skeleton: str
    loose: str  # the skeleton without y and w: for ranking only (Hasan ~ Husayn)
    latin: bool
    weight: float


# --- tokenising ----------------------------------------------------------------------------


def _pieces(text):
    """Raw tokens of `text`, marks turned into the hiatus sign, diacritics removed."""
    text = _CAMEL_PREFIX.sub(r"\1 ", text.translate(_MARK_TABLE))
    # NFKD splits off Latin diacritics, Arabic tashkeel and the hamza of أ إ آ ؤ ئ;
    # dropping the combining marks normalises all of them at once.
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(_ARABIC_TABLE)
    for raw in _SPLIT.split(text):
        raw = raw.strip(_HIATUS)
        if not raw:
            continue
        if _ARABIC.search(raw):
            yield from (("ar", piece) for piece in _split_arabic(raw))
        else:
            latin = re.sub(r"[^a-z0-9']", "", anyascii(raw).lower()).strip(_HIATUS)
            if latin:
                yield from (("la", piece) for piece in _split_latin(latin))


def _split_latin(token):
    match = _GLUED_ARTICLE.fullmatch(token)
    if match:
        token = match.group(1)
    if token in ("abul", "aboul"):  # Abul Hasan: Abu with the article of the next word
        yield "abu"
        return
    match = _GLUED_ABU.fullmatch(token)
    if match:
        yield "abu"
        token = match.group(1)
        if len(token) > 3 and token[0] == "l" and token[1] not in _VOWELS:
            token = token[1:]  # Abulhasan
    match = _GLUED_ABD.fullmatch(token)
    if match:
        vowel, lam, rest = match.groups()
        rest = rest.strip(_HIATUS)
        if rest in _ALLAH and (lam or vowel or rest == "allah"):
            yield "abd"
            yield "allah"
            return
        if lam and not rest:  # Abdul, Abdel: Abd before its article
            yield "abd"
            return
        # After a bare vowel the article is assimilated (Abdur-rahman), so a consonant follows.
        if len(rest) >= 3 and (lam or rest[0] not in _VOWELS):
            yield "abd"
            token = rest
    match = _GLUED_DIN.fullmatch(token)
    if match:
        yield match.group(1)
        yield "din"
        return
    yield token


def _split_arabic(token):
    if token in ("الله", "لله"):
        yield "الله"
        return
    if token.startswith("عبدال") and len(token) > 5:  # عبدالرحمن, عبدالله
        yield "عبد"
        token = token[3:]
    if token.endswith("الدين") and len(token) > 5:  # نورالدين
        yield from _split_arabic(token[:-5])
        yield "دين"
        return
    if token.startswith("ال") and len(token) >= 4 and token != "الله":
        token = token[2:]
    yield token


def _without_articles(pieces):
    pieces = list(pieces)
    for index, (script, piece) in enumerate(pieces):
        if script == "ar":
            if piece == "ال":  # also آل, "family of", like Latin "Al"
                continue
        elif piece in _ARTICLES:
            continue
        elif piece in _SUN_ARTICLES and index + 1 < len(pieces):
            following = pieces[index + 1][1]
            if following.startswith(piece[1:]):
                continue
        yield script, piece


# --- Latin keys ----------------------------------------------------------------------------

_CONSONANT_SPELLINGS = (("ch", "sh"), ("dj", "j"), ("ph", "f"), ("gh", "g"), ("dh", "d"))
_DOUBLE_CONSONANT = re.compile(r"([b-df-hj-np-tv-z0-9'])\1+")
_DIGRAPHS = frozenset({"sh", "kh", "th", "zh"})


def _segments(group):
    """Vowel kinds of one run of vowel letters (no hiatus inside).

    A: a, aa.  E: a lone e (short).  I: i, ee, ie, iy.  O: a lone o (short).
    U: u, ou, oo.  AY: ai, ay, ei, ey.  AW: au, aw, ow.
    """
    kinds = []
    index = 0
    while index < len(group):
        letter = group[index]
        following = group[index + 1 : index + 2]
        if letter in "ae" and following in ("i", "y"):
            kinds.append("AY")
            index += 2
        elif (letter == "a" and following in ("u", "w")) or (letter == "o" and following == "w"):
            kinds.append("AW")
            index += 2
        else:
            run_letters = "a" if letter == "a" else "iey" if letter in "iey" else "ouw"
            end = index
            while end < len(group) and group[end] in run_letters:
                if group[end] == "e" and group[end + 1 : end + 2] == "i":
                    break  # "eei": leave the "ei" to the diphthong rule
                end += 1
            run = group[index:end]
            if letter == "a":
                kinds.append("A")
            elif letter in "iey":
                kinds.append("E" if run == "e" else "I")
            else:
                kinds.append("O" if run == "o" else "U")
            index = end
    return kinds


def _latin_units(token):
    """The token as a list of consonants (str) and vowel clusters (list of kinds)."""
    units = []
    group = ""  # vowel letters of the current hiatus-free run
    cluster = None  # kinds of the current cluster (runs separated only by hiatus)

    def close_group():
        nonlocal group
        if group:
            cluster.extend(_segments(group))
            group = ""

    index = 0
    while index < len(token):
        letter = token[index]
        following = token[index + 1 : index + 2]
        previous_is_vowel = bool(group) or (cluster is not None and token[index - 1] == _HIATUS)
        if letter == _HIATUS:
            if cluster is not None:
                close_group()
            index += 1
            continue
        vowel_like = letter in _VOWELS
        if letter in "yw" and index > 0 and following not in _VOWELS:
            # y or w after a vowel and before a consonant is a diphthong; y between
            # consonants is a vowel (Shammry); w there stays a consonant.
            vowel_like = (letter == "y") or previous_is_vowel
        if vowel_like:
            if cluster is None:
                cluster = []
                units.append(cluster)
            group += letter
            index += 1
            continue
        if cluster is not None:
            close_group()
            cluster = None
        pair = token[index : index + 2]
        if pair in _DIGRAPHS:
            units.append(pair)
            index += 2
        else:
            units.append(letter)
            index += 1
    if cluster is not None:
        close_group()
    return [unit for unit in units if unit != []]


_FOLD_KIND = {"A": "a", "AY": "a", "AW": "au", "I": "i", "E": "i", "U": "u", "O": "u"}


def _fold_cluster(kinds):
    out = []
    index = 0
    while index < len(kinds):
        kind = kinds[index]
        following = kinds[index + 1] if index + 1 < len(kinds) else None
        # a + i, a'i, ae are spellings of one sound in Said/Sa'id, Qaida/Qa'ida/Qaeda; the
        # diphthong joins a so that Qurayshi, Quraishi and Qurashi fold alike.
        if kind == "A" and following in ("I", "E", "AY"):
            out.append("a")
            index += 2
        elif kind == "A" and following in ("U", "O", "AW"):
            out.append("au")
            index += 2
        else:
            out.append(_FOLD_KIND[kind])
            index += 1
    return "".join(out)


# The keys of one token depend on that token alone, and tokens recur across names (Abu,
# Muhammad, Shammari): cached, a bulk load of thousands of names folds each token once.
@lru_cache(maxsize=16384)
def _latin_keys(token):
    if token in _CANONICAL:
        return _CANONICAL[token]
    for spelling, sound in _CONSONANT_SPELLINGS:
        token = token.replace(spelling, sound)
    token = _DOUBLE_CONSONANT.sub(r"\1", token).strip(_HIATUS)
    if not token:
        return "", ""
    units = _latin_units(token)

    folded = "".join(unit if isinstance(unit, str) else _fold_cluster(unit) for unit in units)
    folded = re.sub(r"iy(?=[aiu])", "i", folded)  # Sharqiya = Sharqia, Ziyad = Ziad
    folded = re.sub(r"(.)\1+", r"\1", folded)
    if len(folded) > 3 and folded.endswith("ah"):  # Usamah = Usama
        folded = folded[:-1]
    if folded in _CANONICAL:
        return _CANONICAL[folded]
    if len(units) > 2 and units[-1] == "h" and units[-2][-1:] == ["A"]:
        # Final -ah is a ta marbuta (Usamah, Raqqah) as often as a ha (Salah): the skeleton
        # reads it as a final vowel, and the Arabic skeleton drops -اح and -اه to meet it.
        units = units[:-1]
    return folded, _latin_skeleton(units) or folded


def _latin_skeleton(units):
    # The last vowel cluster is in a final closed syllable when exactly one consonant
    # follows it: there a written i/ee or u/ou usually stands for a long vowel (Wahid, Mahmud)
    # that Arabic script spells with ي or و, so it becomes y or w. Elsewhere vowels drop.
    clusters = [index for index, unit in enumerate(units) if not isinstance(unit, str)]
    last = clusters[-1] if clusters else None
    final_closed = last is not None and last == len(units) - 2
    out = []
    previous_kind = None
    for index, unit in enumerate(units):
        if isinstance(unit, str):
            out.append("k" if unit == "q" else unit)
            continue
        if index == len(units) - 1:  # a final vowel: only -i counts, as the nisba marker
            if unit[-1] in ("I", "AY"):
                out.append("i")
            continue
        for position, kind in enumerate(unit):
            closing = final_closed and index == last and position == len(unit) - 1
            sound = ""
            if kind == "AY" or (kind == "I" and closing):
                sound = "y"
            elif kind == "AW" and closing:
                sound = "w"
            elif kind == "U" and closing and previous_kind not in ("U", "O"):
                # ...but not in Yusuf, whose long vowel is the first u (يوسف).
                sound = "w"
            if sound and not (out and out[-1] == sound):
                out.append(sound)
            previous_kind = kind
    return "".join(out)


# --- Arabic keys ---------------------------------------------------------------------------


@lru_cache(maxsize=16384)
def _arabic_keys(token):
    token = re.sub(r"(.)\1+", r"\1", token)  # a shadda typed as a doubled letter
    if token == "الله":
        return _CANONICAL["allah"]

    # Strict key: every letter, ta marbuta as h and alef maqsura as y, the way typists
    # interchange them (فاطمه / فاطمة, على / علي).
    folded = []
    for letter in token:
        if letter == _ALEF:
            folded.append("a")
        elif letter == _ALEF_MAQSURA:
            folded.append("y")
        else:
            folded.append(_arabic_letter(letter))
    fold_key = _ascii_key("".join(folded))
    if fold_key.endswith("y"):
        fold_key = fold_key[:-1] + "i"
    if fold_key in _CANONICAL:
        return _CANONICAL[fold_key]

    # Skeleton: alef, ta marbuta, alef maqsura, ayn and hamza drop. Yeh stays (final: the
    # marker i). Waw stays where it is a consonant (first, beside an alef) or the long vowel
    # of a final closed syllable (محمود), as the Latin rule reads it; elsewhere (يوسف, أبو)
    # it is a vowel and drops.
    if len(token) > 3 and token[-2] == _ALEF and token[-1] in "حه":
        token = token[:-1]  # صلاح meets Latin Salah, whose -ah reads as a final vowel
    out = []
    last = len(token) - 1
    for index, letter in enumerate(token):
        if letter in (_ALEF, _TEH_MARBUTA, _ALEF_MAQSURA, "ع"):
            continue
        if letter == _YEH:
            out.append("i" if index == last else "y")
            continue
        if letter == _WAW:
            beside_alef = _ALEF in token[max(index - 1, 0) : index] + token[index + 1 : index + 2]
            closing = index == last - 1 and token[last] not in _ARABIC_VOWELS
            if not (index == 0 or beside_alef or closing):
                continue
        out.append(_arabic_letter(letter))
    skeleton_key = _ascii_key("".join(out)).replace("q", "k")
    return fold_key, skeleton_key or fold_key


@lru_cache(maxsize=256)
def _arabic_letter(letter):
    # Letter by letter, so that د + ه ("dh" by accident) is not read as ذ.
    latin = anyascii(letter).lower()
    for spelling, sound in _CONSONANT_SPELLINGS:
        latin = latin.replace(spelling, sound)
    return latin


def _ascii_key(text):
    # No collapsing here: the letters were collapsed before, and two equal consonants that
    # meet once a vowel is gone (بغداد, bgdd) must stay two, as in the Latin skeleton.
    return re.sub(r"[^a-z0-9]", "", text)


# --- public API ----------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _tokens(text):
    tokens = []
    for script, piece in _without_articles(_pieces(text)):
        latin = script == "la"
        fold_key, skeleton_key = _latin_keys(piece) if latin else _arabic_keys(piece)
        if not fold_key:
            continue
        loose = skeleton_key.replace("y", "").replace("w", "") or skeleton_key
        weight = 0.35 if fold_key in _GENERIC else 1.0
        tokens.append(_Token(fold_key, skeleton_key, loose, latin, weight))
    return tuple(tokens)


def fold(text: str) -> str:
    """Strict search key: tokens separated by single spaces, no leading/trailing space.

    '' for empty input.
    """
    if not text:
        return ""
    return " ".join(token.fold for token in _tokens(text))


def skeleton(text: str) -> str:
    """Looser consonant-skeleton key: one token per token of fold(text), same count and order,
    single spaces."""
    if not text:
        return ""
    return " ".join(token.skeleton for token in _tokens(text))


def _initial_vowel(key):
    return key[0] if key[0] in _VOWELS else ""


def _token_score(a, b):
    """How well two name tokens match, 0..1."""
    if a.fold == b.fold:
        return 1.0
    fold_ratio = ratio(a.fold, b.fold) / 100
    if a.skeleton == b.skeleton:
        score = 0.9 + 0.08 * fold_ratio
        # Umar/Ammar and Ahmed/Hamed share a skeleton; a different opening vowel, which
        # spelling variants rarely change, says they are different names.
        if a.latin and b.latin and _initial_vowel(a.fold) != _initial_vowel(b.fold):
            score = min(score, 0.8)
        return score
    # The looser step: y and w dropped (Hasan ~ Husayn, وحيد ~ Wahed), well below a match.
    score = 0.75 if a.loose == b.loose else 0.0
    fuzzy = 0.85 * max(fold_ratio, ratio(a.skeleton, b.skeleton) / 100)
    if a.skeleton.endswith("i") != b.skeleton.endswith("i"):
        fuzzy *= 0.7  # a nisba against its base word: Baghdadi is not Baghdad
    score = max(score, fuzzy)
    return score if score >= 0.5 else 0.0


def similarity(query: str, name: str) -> float:
    """0..1 score for ranking how well a name matches a query (1.0 = same folded name)."""
    if not query or not name:
        return 0.0
    left, right = _tokens(query), _tokens(name)
    if not left or not right:
        return 0.0
    if tuple(t.fold for t in left) == tuple(t.fold for t in right):
        return 1.0

    # Pair tokens one to one, best pairs first, whatever their order.
    pairs = sorted(
        ((_token_score(a, b), i, j) for i, a in enumerate(left) for j, b in enumerate(right)),
        reverse=True,
    )
    matched_left, matched_right, matches = {}, {}, []
    for score, i, j in pairs:
        if score and i not in matched_left and j not in matched_right:
            matched_left[i] = matched_right[j] = score
            matches.append((i, j))

    def coverage(tokens, matched):
        total = sum(token.weight for token in tokens)
        return (
            sum(token.weight * matched.get(index, 0.0) for index, token in enumerate(tokens))
            / total
        )

    # Mostly how much of the query was found, and how much of the name it leaves unexplained:
    # "al-Hashimi al-Qurashi" fits three leaders equally and none of them well.
    result = 0.6 * coverage(left, matched_left) + 0.4 * coverage(right, matched_right)
    order = [j for _, j in sorted(matches)]
    if order != sorted(order):
        result *= 0.95
    return min(result, 0.99)
