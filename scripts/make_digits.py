"""Make src/backcalc/examples/data/digits.npz, the digits example's real data (run once, by hand).

Source: the UCI ML hand-written digits data set (optical recognition of handwritten digits,
E. Alpaydin and C. Kaynak, 1998), as scikit-learn bundles it offline: 1,797 images of 8×8 pixels
with values 0–16, digits 0–9. Licence: CC BY 4.0 (UCI Machine Learning Repository).

Saved: X, the pixels scaled to [0, 1] (float32, one image per row, 64 columns), and y, the digit.
scikit-learn is needed only here: `.venv/bin/pip install scikit-learn`, then
`.venv/bin/python scripts/make_digits.py`.
"""

from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

digits = load_digits()
target = (
    Path(__file__).resolve().parent.parent / "src" / "backcalc" / "examples" / "data" / "digits.npz"
)
target.parent.mkdir(exist_ok=True)
X = (digits.data / 16.0).astype(np.float32)
y = digits.target.astype(np.int64)
np.savez_compressed(target, X=X, y=y)
print(f"wrote {target}: X {X.shape}, y {y.shape}, {target.stat().st_size} bytes")
