"""Small data sets for the chapters: generated, or shipped inside the package.

Chapter 03 meets XOR, chapter 05 the digits, chapter 08 moons, spirals and
blobs, chapter 09 the teacher-student set. Nothing is ever downloaded.

Every generator takes ``rng``: a seed (int), a ``numpy.random.Generator``, or
None for fresh randomness. The default seed 0 means the same call gives the
same data on every machine, every time.

Classification sets return ``X`` of shape (n_samples, 2) with float
coordinates and ``y`` of shape (n_samples,) with integer labels 0, 1, ...
"""

from __future__ import annotations

from importlib import resources

import numpy as np

__all__ = [
    "XOR_INPUTS",
    "XOR_TARGETS",
    "load_digits",
    "make_blobs",
    "make_moons",
    "make_spirals",
    "make_teacher_student",
    "make_xor",
    "train_test_split",
]

#: The four inputs of the XOR truth table, and its outputs: 1 when exactly one input is 1.
XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([0, 1, 1, 0])


def _generator(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, int | np.integer) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be an int seed, a numpy Generator or None, got {rng!r}")


def _check_n(n_samples, minimum=1):
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer):
        raise TypeError(f"n_samples must be an integer, got {n_samples!r}")
    if n_samples < minimum:
        raise ValueError(f"n_samples must be at least {minimum}, got {n_samples}")


def _check_noise(noise):
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a non-negative number, got {noise!r}")


def make_xor(n_samples: int = 200, noise: float = 0.0, rng=0):
    """Points in the square [-1, 1]², labelled 1 where x₁ and x₂ have opposite signs.

    The four quadrants form a chessboard no single straight line can split.
    ``noise`` is the standard deviation of Gaussian jitter added after labelling.
    """
    _check_n(n_samples)
    _check_noise(noise)
    g = _generator(rng)
    X = g.uniform(-1.0, 1.0, size=(n_samples, 2))
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)
    return X + g.normal(0.0, noise, X.shape) if noise else X, y


def make_moons(n_samples: int = 100, noise: float = 0.1, rng=0):
    """Two interleaving half circles: class 0 arches up, class 1 arches down beside it."""
    _check_n(n_samples, 2)
    _check_noise(noise)
    g = _generator(rng)
    n0 = n_samples // 2
    n1 = n_samples - n0
    t0, t1 = np.linspace(0.0, np.pi, n0), np.linspace(0.0, np.pi, n1)
    X = np.concatenate([np.c_[np.cos(t0), np.sin(t0)], np.c_[1.0 - np.cos(t1), 0.5 - np.sin(t1)]])
    y = np.r_[np.zeros(n0, np.int64), np.ones(n1, np.int64)]
    order = g.permutation(n_samples)
    X = X + g.normal(0.0, noise, X.shape)
    return X[order], y[order]


def make_spirals(n_samples: int = 300, n_classes: int = 2, noise: float = 0.2, rng=0):
    """Arms of a spiral, one per class, winding out from the origin.

    Each arm makes about two thirds of a turn; ``noise`` jitters the angle.
    """
    _check_n(n_samples, n_classes)
    _check_noise(noise)
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}")
    g = _generator(rng)
    sizes = [n_samples // n_classes + (k < n_samples % n_classes) for k in range(n_classes)]
    Xs, ys = [], []
    for k, n in enumerate(sizes):
        r = np.linspace(0.05, 1.0, n)
        t = np.linspace(0.0, 4.0, n) + 2 * np.pi * k / n_classes + g.normal(0.0, noise, n)
        Xs.append(np.c_[r * np.sin(t), r * np.cos(t)])
        ys.append(np.full(n, k, np.int64))
    X, y = np.concatenate(Xs), np.concatenate(ys)
    order = g.permutation(n_samples)
    return X[order], y[order]


def make_blobs(n_samples: int = 200, centers: int = 3, cluster_std: float = 1.0, rng=0):
    """Round clouds of points, one per class, around centres drawn in [-5, 5]²."""
    _check_n(n_samples, centers)
    _check_noise(cluster_std)
    g = _generator(rng)
    middles = g.uniform(-5.0, 5.0, size=(centers, 2))
    y = np.arange(n_samples) % centers
    X = middles[y] + g.normal(0.0, cluster_std, (n_samples, 2))
    order = g.permutation(n_samples)
    return X[order], y[order].astype(np.int64)


def make_teacher_student(
    n_samples: int = 500,
    n_features: int = 2,
    hidden: int = 8,
    noise: float = 0.05,
    rng=0,
):
    """Regression data made by a 'teacher' network with random weights.

    y = tanh(X W1 + b1) W2 + b2 + noise, with X ~ N(0, 1). A 'student' network
    can learn y exactly up to the noise, so training it shows what learning
    can and cannot recover. Returns ``X`` (n_samples, n_features), ``y``
    (n_samples, 1) and the teacher's weights as a dict.
    """
    _check_n(n_samples)
    _check_noise(noise)
    g = _generator(rng)
    teacher = {
        "W1": g.normal(0.0, 1.0 / np.sqrt(n_features), (n_features, hidden)),
        "b1": g.normal(0.0, 0.5, hidden),
        "W2": g.normal(0.0, 1.0 / np.sqrt(hidden), (hidden, 1)),
        "b2": g.normal(0.0, 0.1, 1),
    }
    X = g.normal(0.0, 1.0, (n_samples, n_features))
    y = np.tanh(X @ teacher["W1"] + teacher["b1"]) @ teacher["W2"] + teacher["b2"]
    return X, y + g.normal(0.0, noise, y.shape), teacher


def load_digits(return_images: bool = False):
    """The 1,797 handwritten digits (8x8 pixels) of the UCI optdigits test set.

    Returns ``X`` of shape (1797, 64), pixel intensities scaled from 0..16 to
    0..1, and ``y`` of shape (1797,), the digits 0 to 9. With
    ``return_images=True`` also the raw images, shape (1797, 8, 8), values 0..16.
    Shipped inside nnlib (45 kB); see DIGITS_SOURCE.txt for provenance and
    licence (CC BY 4.0).
    """
    with resources.files(__package__).joinpath("digits.npz").open("rb") as f, np.load(f) as d:
        images, labels = d["images"], d["labels"]
    X = images.reshape(len(images), 64).astype(float) / 16.0
    y = labels.astype(np.int64)
    return (X, y, images) if return_images else (X, y)


def train_test_split(X, y, test_size: float = 0.2, rng=0):
    """Shuffle, then split into (X_train, X_test, y_train, y_test); test_size is a fraction."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be a fraction between 0 and 1, got {test_size!r}")
    order = _generator(rng).permutation(len(X))
    n_test = max(1, round(len(X) * test_size))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]
