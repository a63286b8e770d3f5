"""Sample inputs for the Java example apps and `./mlj demo`: held-out digits and reviews.

samples/digits/<label>_<index>.png  the first held-out MNIST digit of each label (index = its row
                                    in the held-out split), 28x28 8-bit grayscale, white on black
samples/reviews.json                [{"text", "label" (0|1), "sentiment"}]: the first
                                    REVIEWS_PER_LABEL held-out IMDB reviews of each label that
                                    are at most MAX_REVIEW_CHARS long (short enough to print)
"""

import json
import shutil
from pathlib import Path

from PIL import Image

from mlj_export import data
from mlj_export.train import SENTIMENT_LABELS

REVIEWS_PER_LABEL = 3
MAX_REVIEW_CHARS = 400


def write_samples(out_dir, mnist=None, imdb=None):
    """Write samples/digits/*.png and samples/reviews.json under `out_dir`."""
    mnist = mnist or data.load_mnist()
    imdb = imdb or data.load_imdb()
    out_dir = Path(out_dir)
    digits_dir = out_dir / "digits"
    if digits_dir.exists():
        shutil.rmtree(digits_dir)
    digits_dir.mkdir(parents=True)
    for label in range(10):
        index = int(next(i for i, y in enumerate(mnist.y_test) if y == label))
        Image.fromarray(mnist.x_test[index], mode="L").save(digits_dir / f"{label}_{index}.png")

    reviews = []
    for label in (0, 1):
        chosen = [t for t, y in zip(imdb.test_texts, imdb.y_test)
                  if y == label and len(t) <= MAX_REVIEW_CHARS][:REVIEWS_PER_LABEL]
        reviews += [{"text": t, "label": label, "sentiment": SENTIMENT_LABELS[label]}
                    for t in chosen]
    (out_dir / "reviews.json").write_text(
        json.dumps(reviews, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return sorted(digits_dir.iterdir()) + [out_dir / "reviews.json"]
