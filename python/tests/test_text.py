"""The tokenizer follows docs/bundle-format.md exactly (fixed examples a Java port must match)."""

import numpy as np
import pytest

from mlj_export import text


@pytest.mark.parametrize("raw, tokens", [
    ("Hello, World!", ["hello", "world"]),
    ("It's a don't-miss 'quoted' film", ["it's", "a", "don't", "miss", "quoted", "film"]),
    ("rock'n'roll x''y trailing' 'leading", ["rock'n'roll", "x", "y", "trailing", "leading"]),
    ("Great.<br /><br />Really<BR>good<i>!</i>", ["great", "really", "good"]),
    ("a<b and c>d", ["a", "d"]),
    ("Café ÄPFEL naïve ÉTÉ", ["caf", "pfel", "na", "ve", "t"]),
    ("1980s 3D 2.5", ["1980s", "3d", "2", "5"]),
    ("MiXeD CaSe", ["mixed", "case"]),
    ("", []),
    ("... !!! ---", []),
])
def test_tokens(raw, tokens):
    assert text.tokens(raw) == tokens


def test_vocabulary_ranks_by_count_then_code_point():
    vocabulary = text.build_vocabulary(["b a c", "c b", "c d e", "E"], size=6)
    # counts: c 3, b 2, e 2, a 1, d 1; ties b/e and a/d go by code point; size 6 stops after "a"
    assert vocabulary == ["<pad>", "<oov>", "c", "b", "e", "a"]


def test_encode_pads_at_the_front_and_maps_unknown_words_to_oov():
    tokenizer = text.Tokenizer(["<pad>", "<oov>", "good", "film"], max_length=6)
    encoded = tokenizer.encode("Good film, GOOD plot")
    assert encoded.dtype == np.int32
    assert encoded.tolist() == [0, 0, 2, 3, 2, 1]
    assert tokenizer.encode("").tolist() == [0] * 6


def test_encode_keeps_the_last_ids_of_a_long_text():
    tokenizer = text.Tokenizer(["<pad>", "<oov>"] + [f"w{i}" for i in range(10)], max_length=4)
    words = " ".join(f"w{i}" for i in range(10))
    assert tokenizer.ids(words) == list(range(2, 12))
    assert tokenizer.encode(words).tolist() == [8, 9, 10, 11]


def test_encode_all_and_rules():
    tokenizer = text.Tokenizer(["<pad>", "<oov>", "ok"], max_length=3)
    assert tokenizer.encode_all(["ok", "no ok ok ok"]).tolist() == [[0, 0, 2], [2, 2, 2]]
    assert tokenizer.encode_all([]).shape == (0, 3)
    assert tokenizer.rules() == {
        "vocabulary": "vocabulary.txt", "lowercase": "ascii", "strip": "<[^>]*>",
        "token_pattern": "[a-z0-9]+(?:'[a-z0-9]+)*", "max_length": 3, "padding": "pre",
        "truncating": "pre", "pad_id": 0, "oov_id": 1, "vocabulary_size": 3}


def test_vocabulary_file_round_trip(tmp_path):
    vocabulary = text.build_vocabulary(["the film", "the end"])
    path = tmp_path / "vocabulary.txt"
    path.write_text("".join(f"{token}\n" for token in vocabulary), encoding="utf-8")
    assert text.Tokenizer.from_file(path).vocabulary == ["<pad>", "<oov>", "the", "end", "film"]


def test_vocabulary_must_start_with_the_specials():
    with pytest.raises(ValueError):
        text.Tokenizer(["film", "<pad>"])
