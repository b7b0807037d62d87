"""A GGUF file's tokenizer, built from its metadata with the `tokenizers` package, the way
transformers builds it from the same file (so both give the same ids):

- tokenizer.ggml.model "gpt2": byte-level BPE from tokens + merges (SmolLM2, Llama 3, Qwen2);
- tokenizer.ggml.model "llama": SentencePiece-style BPE with byte fallback (Gemma, Llama 2,
  TinyLlama). The file lists no merges; they are rebuilt from the vocabulary, best first: by the
  token's score, or for Gemma by its place in the file (Gemma's scores don't follow its merge
  order). Gemma writes a space as "▁" and adds no prefix space; Llama 2 prepends one "▁".

Tokens the file marks as control (type 3: <bos>, <eos>, <pad>) stay whole and are special; those
marked user-defined (type 4: <start_of_image>, HTML tags) stay whole too. BOS (and EOS) are added
as tokenizer.ggml.add_bos_token says (a "llama" vocabulary without the flag: BOS, as llama.cpp does).
"""
from __future__ import annotations

from pathlib import Path

from ..example import ExampleError

CONTROL, USER_DEFINED = 3, 4
SENTENCEPIECE_BY_POSITION = ("gemma", "gemma2", "gemma3")  # merges ordered by place in the file
# How a byte-level vocabulary splits text before its merges (tokenizer.ggml.pre), as transformers reads
# it; any other name keeps GPT-2's own split (SmolLM2's "smollm" among them).
_LLAMA3_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
                 r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
_QWEN2_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
                r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
PRE_TOKENIZER_SPLITS = {**{name: _LLAMA3_SPLIT for name in ("llama3", "llama-v3", "llama-bpe", "falcon3", "dbrx",
                                                             "smaug-bpe", "pixtral", "lfm2")},
                        **{name: _QWEN2_SPLIT for name in ("qwen2", "deepseek-r1-qwen", "megrez")}}


def field(reader, name: str, default=None):
    found = reader.fields.get(name)
    return default if found is None else found.contents()


def generate_merges(tokens: list[str], scores: dict[str, float]) -> list[tuple[str, str]]:
    """Every split of a token into two tokens of the vocabulary, best piece first (transformers'
    generate_merges with vocab_scores: ties by the pieces' lengths, longer first)."""
    vocab = {token: index for index, token in enumerate(tokens)}
    merges = []
    for merge, score in scores.items():
        local = [(merge[:i], merge[i:], score) for i in range(1, len(merge))
                 if merge[:i] in vocab and merge[i:] in vocab]
        local.sort(key=lambda m: (vocab[m[0]], vocab[m[1]]))
        merges.extend(local)
    merges.sort(key=lambda m: (m[2], len(m[0]), len(m[1])), reverse=True)
    return [(left, right) for left, right, _ in merges]


def _byte_level(reader):
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers

    tokens = list(field(reader, "tokenizer.ggml.tokens"))
    merges = [tuple(m.split(" ", 1)) for m in field(reader, "tokenizer.ggml.merges") or []]
    tokenizer = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(tokens)}, merges=merges, fuse_unk=False))
    split = PRE_TOKENIZER_SPLITS.get(field(reader, "tokenizer.ggml.pre"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True) if split is None \
        else pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(split), behavior="isolated"),
                                      pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tokenizer.decoder = decoders.ByteLevel()
    return tokenizer, tokens


def _sentencepiece(reader, arch: str):
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers

    tokens = list(field(reader, "tokenizer.ggml.tokens"))
    gemma = arch in SENTENCEPIECE_BY_POSITION
    if gemma:  # a token of spaces only is stored as spaces; the model looks it up as "▁"s
        tokens = ["\u2581" * len(t) if " " in t and not t.strip() else t for t in tokens]
        scores = {token: -index for index, token in enumerate(tokens)}
    else:
        scores = dict(zip(tokens, field(reader, "tokenizer.ggml.scores") or [0.0] * len(tokens)))
    unk = field(reader, "tokenizer.ggml.unknown_token_id")
    tokenizer = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(tokens)}, merges=generate_merges(tokens, scores),
                                     fuse_unk=True, byte_fallback=True, unk_token=tokens[unk] if unk is not None
                                     else "<unk>"))
    steps = [decoders.Replace("\u2581", " "), decoders.ByteFallback(), decoders.Fuse()]
    if gemma:
        tokenizer.normalizer = normalizers.Replace(" ", "\u2581")
        tokenizer.pre_tokenizer = pre_tokenizers.Split(pattern=" ", behavior="merged_with_previous", invert=False)
    else:
        tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="first", split=False)
        steps.append(decoders.Strip(content=" ", left=1))
    tokenizer.decoder = decoders.Sequence(steps)
    return tokenizer, tokens


def _add_specials(tokenizer, reader, tokens: list[str], byte_level: bool) -> None:
    from tokenizers import AddedToken

    types = [int(kind) for kind in field(reader, "tokenizer.ggml.token_type") or []]
    alphabet = _byte_alphabet() if byte_level else None
    control = [AddedToken(t, normalized=False, special=True) for t, kind in zip(tokens, types)
               if kind == CONTROL and (alphabet is None or set(t) <= alphabet)]
    if control:
        tokenizer.add_special_tokens(control)
    vocab = tokenizer.get_vocab()
    user = [AddedToken(t, normalized=False, special=False) for t, kind in zip(tokens, types)
            if kind == USER_DEFINED and t in vocab]
    if user:
        tokenizer.add_tokens(user)


def _byte_alphabet() -> set[str]:
    """GPT-2's printable spelling of the 256 bytes: a 'control' token outside it is a mislabel."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    extra = [b for b in range(256) if b not in printable]
    return {chr(b) for b in printable} | {chr(256 + i) for i in range(len(extra))}


def _add_bos_eos(tokenizer, reader, tokens: list[str], kind: str) -> None:
    from tokenizers import processors

    bos, eos = field(reader, "tokenizer.ggml.bos_token_id"), field(reader, "tokenizer.ggml.eos_token_id")
    add_bos = bool(field(reader, "tokenizer.ggml.add_bos_token", kind == "llama")) and bos is not None
    add_eos = bool(field(reader, "tokenizer.ggml.add_eos_token", False)) and eos is not None
    if not (add_bos or add_eos):
        return
    single = f"{tokens[bos] + ':0 ' if add_bos else ''}$A:0{' ' + tokens[eos] + ':0' if add_eos else ''}"
    pair = f"{single}{' ' + tokens[bos] + ':1' if add_bos else ''} $B:1{' ' + tokens[eos] + ':1' if add_eos else ''}"
    specials = ([(tokens[bos], bos)] if add_bos else []) + ([(tokens[eos], eos)] if add_eos and eos != bos else [])
    tokenizer.post_processor = processors.TemplateProcessing(single=single, pair=pair, special_tokens=specials)


def build_tokenizer(reader, path: Path, arch: str):
    """The file's tokenizer as a `tokenizers.Tokenizer`, or one line saying why there is none."""
    kind = field(reader, "tokenizer.ggml.model")
    if kind not in ("gpt2", "llama") or not field(reader, "tokenizer.ggml.tokens"):
        raise ExampleError(f"model: {path}: its tokenizer {kind!r} can't be read (byte-level BPE 'gpt2' and "
                           "SentencePiece 'llama' can)")
    tokenizer, tokens = _byte_level(reader) if kind == "gpt2" else _sentencepiece(reader, arch)
    _add_specials(tokenizer, reader, tokens, kind == "gpt2")
    _add_bos_eos(tokenizer, reader, tokens, kind)
    return tokenizer


def bos_token(reader) -> str | None:
    """The BOS token's text when the tokenizer adds it (shown as the model's special token)."""
    bos, tokens = field(reader, "tokenizer.ggml.bos_token_id"), field(reader, "tokenizer.ggml.tokens") or []
    adds = field(reader, "tokenizer.ggml.add_bos_token", field(reader, "tokenizer.ggml.model") == "llama")
    return tokens[bos] if adds and bos is not None and bos < len(tokens) else None
