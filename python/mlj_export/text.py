"""The text tokenizer of docs/bundle-format.md (`preprocessing.text`), written so that a Java port
is exact: ASCII-only lower-casing and two plain regular expressions that mean the same in Python
and java.util.regex.

Rules, in order:
1. ASCII upper-case letters A-Z become a-z; nothing else changes.
2. Every match of STRIP_PATTERN (an HTML tag such as `<br />`) is replaced by one space.
3. Tokens are the matches of TOKEN_PATTERN, left to right.
4. A token maps to its line number in the vocabulary, or OOV_ID when absent.
5. The ids are cut to their last `max_length` (truncating "pre") and padded with PAD_ID at the
   front (padding "pre").
Vocabulary lines 0 and 1 are PAD and OOV; lines 2.. are the most frequent training tokens, most
frequent first, ties broken by code point order of the token.
"""

import re
import string
from collections import Counter
from pathlib import Path

import numpy as np

PAD, OOV = "<pad>", "<oov>"
PAD_ID, OOV_ID = 0, 1
STRIP_PATTERN = r"<[^>]*>"
TOKEN_PATTERN = r"[a-z0-9]+(?:'[a-z0-9]+)*"
DEFAULT_VOCABULARY_SIZE = 10_000
DEFAULT_MAX_LENGTH = 200

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_STRIP = re.compile(STRIP_PATTERN)
_TOKEN = re.compile(TOKEN_PATTERN)


def tokens(text):
    """The tokens of `text` (rules 1-3)."""
    return _TOKEN.findall(_STRIP.sub(" ", text.translate(_ASCII_LOWER)))


def build_vocabulary(texts, size=DEFAULT_VOCABULARY_SIZE):
    """PAD, OOV, then the `size - 2` most frequent tokens of `texts` (ties: code point order)."""
    counts = Counter(token for text in texts for token in tokens(text))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [PAD, OOV] + [token for token, _ in ranked[:size - 2]]


class Tokenizer:
    """Maps texts to fixed-length id sequences with a given vocabulary."""

    def __init__(self, vocabulary, max_length=DEFAULT_MAX_LENGTH):
        if list(vocabulary[:2]) != [PAD, OOV]:
            raise ValueError(f"vocabulary must start with {PAD!r}, {OOV!r}")
        if max_length < 1:
            raise ValueError(f"max_length must be positive, got {max_length}")
        self.vocabulary = list(vocabulary)
        self.max_length = max_length
        self._ids = {token: i for i, token in enumerate(self.vocabulary)}

    @classmethod
    def from_file(cls, path, max_length=DEFAULT_MAX_LENGTH):
        """A tokenizer for a vocabulary.txt (one token per line, line i = id i)."""
        return cls(Path(path).read_text(encoding="utf-8").splitlines(), max_length)

    def ids(self, text):
        """All token ids of `text`, neither truncated nor padded (rules 1-4)."""
        return [self._ids.get(token, OOV_ID) for token in tokens(text)]

    def encode(self, text):
        """`max_length` int32 ids: the last `max_length` token ids, pre-padded with PAD_ID."""
        ids = self.ids(text)[-self.max_length:]
        return np.array([PAD_ID] * (self.max_length - len(ids)) + ids, dtype=np.int32)

    def encode_all(self, texts):
        """A [len(texts), max_length] int32 array of encoded texts."""
        encoded = np.zeros((len(texts), self.max_length), dtype=np.int32)
        for row, text in enumerate(texts):
            encoded[row] = self.encode(text)
        return encoded

    def rules(self, vocabulary_file="vocabulary.txt"):
        """The manifest's `preprocessing.text` object for this tokenizer."""
        return {"vocabulary": vocabulary_file, "lowercase": "ascii", "strip": STRIP_PATTERN,
                "token_pattern": TOKEN_PATTERN, "max_length": self.max_length,
                "padding": "pre", "truncating": "pre", "pad_id": PAD_ID, "oov_id": OOV_ID,
                "vocabulary_size": len(self.vocabulary)}
