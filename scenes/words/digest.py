"""Which words a segment says, as a digest for its content stamp: its own file, common.toml and the
folders' common files (decoder-common, model-common) in the lesson's language, with the
teacher's overrides of those files. A changed caption re-renders only the segments that say it."""
from __future__ import annotations

import hashlib
import json

from . import COMMON, HERE, Words


def segment_word_files(scene_class) -> list[str]:
    """The words files a segment class may read: its own, common, and every folder's common file
    (a decoder segment reads model-common's pattern names too: a shared file counts for all)."""
    shared = sorted(path.stem for path in (HERE / "en").glob("*-common.toml"))
    return [getattr(scene_class, "segment", ""), COMMON, *shared]


def words_digest(names: list[str], lang: str, captions: str | None) -> str:
    """sha256 of the texts of `names` (a file no language has counts as empty) as the lesson reads them."""
    texts = {name: Words(name, lang, captions).texts() for name in names if name}
    return hashlib.sha256(json.dumps(texts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def segment_words_digest(scene_class, context) -> str:
    """The segment's words; a narrated render adds the language's pronunciations (how they are spoken)."""
    lang = getattr(context, "lang", "en")
    digest = words_digest(segment_word_files(scene_class), lang, getattr(context, "captions", None))
    if getattr(context, "narration_dir", None):
        spoken = HERE / "pronunciations" / f"{lang}.toml"
        digest += hashlib.sha256(spoken.read_bytes() if spoken.exists() else b"").hexdigest()
    return digest
