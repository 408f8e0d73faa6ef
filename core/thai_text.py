"""Where a line may break inside Thai names, which have no spaces between words.

Browsers guess Thai word boundaries from their own dictionary and get names
wrong ("ผ้าครา|มลายขิด", "ห้วย|ยาง", "เจ้า|หน้าที่"), and ``word-break: keep-all``
does not stop them for Thai. So the page says where the words are: PyThaiNLP's
``newmm`` segmentation (offline, its dictionary ships in the wheel), with every
tambon, amphoe and province name from ``geothai`` and a few OTOP craft words
added, splits a name into words; each word is kept whole on its line
(``.thai-word``, ``white-space: nowrap``) and a ``<wbr>`` between two words is
where the line may break.
"""

import re
import threading
from functools import lru_cache

from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe

THAI = re.compile("[\u0e00-\u0e7f]")

# Words of product and producer names that PyThaiNLP's dictionary lacks and
# mis-segments without ("ผ้า|ครา|มลาย|ขิด"), and craft villages known by name.
EXTRA_WORDS = (
    "ลายขิด",
    "ผ้าคราม",
    "ย้อมคราม",
    "ตีนจก",
    "ย่านลิเภา",
    "กัญชง",
    "ไรซ์เบอร์รี่",
    "อาราบิก้า",
    "วิสาหกิจชุมชน",
    "เห็ดหอม",
    "มะเม่า",
    "สครับ",
    "แม่สลอง",
    "บ่อสร้าง",
)


_building = threading.Lock()


def _dictionary():
    with _building:  # built once, even when a request and warm_up() race
        return _build_dictionary()


def warm_up() -> threading.Thread:
    """Build the dictionary in the background, so that the first page with
    Thai names in a new web process does not wait for it (otop/wsgi.py)."""
    thread = threading.Thread(target=_dictionary, name="thai-dictionary", daemon=True)
    thread.start()
    return thread


@lru_cache(maxsize=1)
def _build_dictionary():
    """PyThaiNLP's words, the place names and the extra words, as newmm's trie
    (built once per process: three seconds or so)."""
    import geothai
    import pythainlp.tokenize  # noqa: F401 (its circular imports break when two threads race)
    from pythainlp.corpus import thai_words
    from pythainlp.util import Trie

    provinces = list(geothai.provinces())
    amphoes = [a for p in provinces for a in geothai.districts(p.code)]
    tambons = [t for a in amphoes for t in geothai.subdistricts(a.code)]
    places = {
        area.name_th
        for area in (*provinces, *amphoes, *tambons)
        if area.name_th and not THAI.sub("", area.name_th)  # "ปอภาร (ปอพาน)": no
    }
    return Trie(thai_words() | places | set(EXTRA_WORDS))


@lru_cache(maxsize=20_000)
def thai_words(text: str) -> tuple[str, ...]:
    """``text`` split into words and the runs between them (spaces, Latin,
    digits); a fragment that is no word ("ซ์", "น") stays with the word before."""
    dictionary = _dictionary()  # first: it imports PyThaiNLP under the lock
    from pythainlp.tokenize import word_tokenize

    words: list[str] = []
    for token in word_tokenize(
        text, engine="newmm", custom_dict=dictionary, keep_whitespace=True
    ):
        if (
            words
            and THAI.match(token)
            and THAI.search(words[-1][-1])
            and token not in dictionary
        ):
            words[-1] += token
        else:
            words.append(token)
    return tuple(words)


@lru_cache(maxsize=20_000)
def wrap_html(text: str) -> str:
    """``text`` escaped, each Thai word in ``<span class="thai-word">`` and a
    ``<wbr>`` between two Thai words: ``ผ้าคราม<wbr>ลายขิด``, never
    ``ผ้าครา|มลายขิด``. The caller marks the result safe."""
    if not THAI.search(text):
        return escape(text)
    parts: list[str] = []
    previous_thai = False
    for word in thai_words(text):
        thai = bool(THAI.search(word))
        if thai and previous_thai:
            parts.append("<wbr>")
        parts.append(
            f'<span class="thai-word">{escape(word)}</span>' if thai else escape(word)
        )
        previous_thai = thai
    return "".join(parts)


def thai_wrap(value) -> SafeString | str:
    """``value`` as HTML whose Thai words stay whole on a line: the ``thai_wrap``
    template filter, and admin columns. Markup already safe is left alone (its
    tags are not words to split)."""
    if value is None:
        return ""
    if isinstance(value, SafeData):
        return value
    text = str(value)
    if not THAI.search(text):
        return conditional_escape(text)
    return mark_safe(wrap_html(text))  # noqa: S308 (escaped word by word)
