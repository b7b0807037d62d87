"""The explorer's words in the page's language: the interface texts (scenes/words/<lang>/explorer.toml)
and the names the trace's analysis gives (views, head patterns and their rules), translated where
the page's meta is made, so the scripts only look texts up."""
from __future__ import annotations

import re


def pattern_key(label: str) -> str:
    """head_patterns' label as a words key: "previous token" → previous_token, "[CLS] sink" → cls_sink."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def translate_meta(meta: dict, texts: dict[str, str]) -> None:
    """Views' labels, each head's pattern name, the clusters' and the rules, in the page's language."""
    name = lambda label: texts.get(f"pattern.{pattern_key(label)}", label)  # noqa: E731
    for view in meta["views"]:
        view["label"] = texts.get(f"view.{view['id']}", view["label"])
        if view.get("patterns"):
            view["patterns"] = [[[name(label), score] for label, score in heads] for heads in view["patterns"]]
    for cluster in (meta.get("clusters") or {}).get("clusters", []):
        cluster["pattern"] = name(cluster["pattern"]) if cluster.get("pattern") else cluster.get("pattern")
    rules = {}
    for label, rule in meta["rules"].items():
        percent = re.search(r"\d+ ?%", rule)
        translated = texts.get(f"rule.{pattern_key(label)}")
        rules[name(label)] = translated.format(percent=percent.group(0) if percent else "") if translated else rule
    meta["rules"] = rules
