"""A slow, dense, loop-by-loop user-based KNN written straight from the docstring formulas.

It shares no code with the engine: it exists so tests can check the sparse, vectorised
engine against an implementation simple enough to trust by reading. People are the rows
``0..U-1`` of a dense matrix with NaN for "not rated"; ties are broken by lower row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass
class Reference:
    ratings: np.ndarray  # people x items, NaN = not rated
    similarity: str = "pearson_baseline"
    centering: str = "baseline"
    k: int = 40
    min_k: int = 1
    min_overlap: int = 1
    shrinkage: float = 0.0
    min_similarity: float = 0.0
    neighbourhood: str = "item"
    damping: float = 0.0
    user_regularisation: float = 15.0
    item_regularisation: float = 10.0

    def __post_init__(self) -> None:
        r = self.ratings
        self.rated = ~np.isnan(r)
        self.n_users, self.n_items = r.shape
        self.mean = float(np.nanmean(r))
        self.user_bias = np.zeros(self.n_users)
        self.item_bias = np.zeros(self.n_items)
        for _ in range(10):
            for i in range(self.n_items):
                raters = np.flatnonzero(self.rated[:, i])
                residual = sum(r[u, i] - self.mean - self.user_bias[u] for u in raters)
                self.item_bias[i] = residual / (self.item_regularisation + len(raters))
            for u in range(self.n_users):
                items = np.flatnonzero(self.rated[u])
                residual = sum(r[u, i] - self.mean - self.item_bias[i] for i in items)
                self.user_bias[u] = residual / (self.user_regularisation + len(items))
        self.user_mean = np.array([np.nanmean(row) for row in r])
        self.user_std = np.array([_std(row[~np.isnan(row)]) for row in r])

    # values each measure or centring works on
    def value(self, kind: str, u: int, i: int) -> float:
        r = self.ratings[u, i]
        if kind == "raw":
            return r
        if kind == "binary":
            return 1.0
        if kind == "mean_centred":
            return r - self.user_mean[u]
        if kind == "zscore":
            return (r - self.user_mean[u]) / self.user_std[u]
        return r - self.mean - self.user_bias[u] - self.item_bias[i]

    def overlap(self, u: int, v: int) -> int:
        return int((self.rated[u] & self.rated[v]).sum())

    def raw_similarity(self, name: str, u: int, v: int) -> float:
        common = np.flatnonzero(self.rated[u] & self.rated[v])
        if name in ("cosine", "cosine_centred", "cosine_binary"):
            kind = {"cosine": "raw", "cosine_centred": "mean_centred", "cosine_binary": "binary"}
            x = [self.value(kind[name], u, i) for i in np.flatnonzero(self.rated[u])]
            y = [self.value(kind[name], v, i) for i in np.flatnonzero(self.rated[v])]
            dot = sum(self.value(kind[name], u, i) * self.value(kind[name], v, i) for i in common)
            norms = math.sqrt(sum(a * a for a in x)) * math.sqrt(sum(b * b for b in y))
            return dot / norms if norms > 0 else 0.0
        if name in ("pearson", "pearson_baseline"):
            kind = "mean_centred" if name == "pearson" else "baseline_residual"
            x = [self.value(kind, u, i) for i in common]
            y = [self.value(kind, v, i) for i in common]
            denominator = math.sqrt(sum(a * a for a in x) * sum(b * b for b in y))
            return sum(a * b for a, b in zip(x, y, strict=True)) / denominator if denominator else 0
        if name == "msd":
            if len(common) == 0:
                return 0.0
            msd = sum((self.ratings[u, i] - self.ratings[v, i]) ** 2 for i in common) / len(common)
            return 1.0 / (1.0 + msd)
        if name == "jaccard":
            union = (self.rated[u] | self.rated[v]).sum()
            return len(common) / union if union else 0.0
        raise ValueError(name)

    def similarity_of(self, u: int, v: int, name: str | None = None, shrunk: bool = True) -> float:
        """Similarity after shrinkage, or None when the two are not comparable."""
        if u == v or self.overlap(u, v) < max(self.min_overlap, 1):
            return None
        s = self.raw_similarity(name or self.similarity, u, v)
        if shrunk and self.shrinkage > 0:
            n = self.overlap(u, v)
            s *= max(n - 1, 0) / (max(n - 1, 0) + self.shrinkage)
        return s

    def neighbours(self, u: int, i: int, name: str | None = None, shrunk: bool = True):
        """[(v, s)] chosen for (u, i), best first; and whether a near-tie made it ambiguous."""
        scored = [(v, self.similarity_of(u, v, name, shrunk)) for v in range(self.n_users)]
        scored = [(v, s) for v, s in scored if s is not None]
        # The engine computes similarities in float32: one within 1e-5 of the threshold may
        # fall on either side of it.
        at_threshold = any(abs(s - self.min_similarity) < 1e-5 for _, s in scored)
        scored = [(v, s) for v, s in scored if s > self.min_similarity]
        scored.sort(key=lambda pair: (-pair[1], pair[0]))
        if self.neighbourhood == "global":
            ambiguous = _near_tie(scored, self.k)
            chosen = [(v, s) for v, s in scored[: self.k] if self.rated[v, i]]
        else:
            raters = [(v, s) for v, s in scored if self.rated[v, i]]
            ambiguous = _near_tie(raters, self.k)
            chosen = raters[: self.k]
        return chosen, ambiguous or at_threshold

    def baseline(self, u: int, i: int) -> float:
        return self.mean + self.user_bias[u] + self.item_bias[i]

    def predict(self, u: int, i: int) -> tuple[float, int, bool]:
        """(estimate clipped to the scale, neighbours used, ambiguous)."""
        chosen, ambiguous = self.neighbours(u, i)
        low, high = np.nanmin(self.ratings), np.nanmax(self.ratings)
        if len(chosen) < max(self.min_k, 1):
            return float(np.clip(self.baseline(u, i), low, high)), len(chosen), ambiguous
        kind = {
            "baseline": "baseline_residual",
            "mean": "mean_centred",
            "zscore": "zscore",
            "none": "raw",
        }[self.centering]
        weighted = sum(s * self.value(kind, v, i) for v, s in chosen)
        total = sum(abs(s) for _, s in chosen)
        z = weighted / (total + self.damping) if total + self.damping > 0 else 0.0
        offset = {
            "baseline": self.baseline(u, i),
            "mean": self.user_mean[u],
            "zscore": self.user_mean[u],
            "none": 0.0,
        }[self.centering]
        spread = self.user_std[u] if self.centering == "zscore" else 1.0
        return float(np.clip(offset + spread * z, low, high)), len(chosen), ambiguous

    def evidence(self, u: int, i: int) -> tuple[float, int, bool]:
        """(sum of s^2 * rating over the Jaccard neighbours, their count, ambiguous)."""
        chosen, ambiguous = self.neighbours(u, i, "jaccard", shrunk=False)
        return sum(s * s * self.ratings[v, i] for v, s in chosen), len(chosen), ambiguous


def _std(values: np.ndarray) -> float:
    if len(values) < 2:
        return 1.0
    std = float(values.std())
    return std if std > 1e-9 else 1.0


def _near_tie(ranked: list[tuple[int, float]], k: int) -> bool:
    """True when the k-th and (k+1)-th similarities are too close to order reliably."""
    if len(ranked) <= k:
        return False
    return abs(ranked[k - 1][1] - ranked[k][1]) < 1e-5
