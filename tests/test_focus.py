"""QUERY= / KEY=: a word or a 1-based position picks the followed token; bad choices are one line."""
import pytest

from attention_math import ExampleError
from attention_math.focus import find_token

WORDPIECE = ("[CLS]", "the", "animal", "didn", "##t", "cross", "the", "street", "because", "it", "was",
             "internationally", "##ization", "[SEP]")
BPE = ("The", "Ġanimal", "Ġdidn", "'t", "Ġcross", "Ġthe", "Ġstreet", "Ġbecause", "Ġit", "Ġwas", "Ġtoo", "Ġtired")


@pytest.mark.parametrize("tokens, spec, index", [
    (WORDPIECE, "it", 9), (WORDPIECE, "Animal", 2), (WORDPIECE, "3", 2), (WORDPIECE, 1, 0),
    (WORDPIECE, "didnt", 3),  # a word split into pieces matches its first piece
    (WORDPIECE, "internationallyization", 11),
    (BPE, "it", 8), (BPE, "animal", 1), (BPE, "STREET", 6), (BPE, "didn't", 2),
])
def test_words_and_positions_pick_the_token(tokens, spec, index):
    assert find_token(tokens, spec) == index


@pytest.mark.parametrize("spec, message", [
    ("the", "occurs 2 times (positions 2, 7): give its position"),
    ("dog", "is not a token of this sentence"),
    ("0", "positions run 1–14"), ("15", "positions run 1–14"), ("  ", "give a word"),
])
def test_bad_choices_are_one_clear_line(spec, message):
    with pytest.raises(ExampleError, match=message.replace("(", r"\(").replace(")", r"\)")) as error:
        find_token(WORDPIECE, spec, "KEY")
    assert "\n" not in str(error.value) and str(error.value).startswith("KEY")
