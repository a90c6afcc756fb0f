"""Data sets: shapes, labels, seeding, the shipped digits."""

import numpy as np
import pytest

from nnlib import data


@pytest.mark.parametrize(
    ("make", "n_classes"),
    [(data.make_xor, 2), (data.make_moons, 2), (data.make_spirals, 2), (data.make_blobs, 3)],
)
def test_generators_are_seeded_and_shaped(make, n_classes):
    X, y = make(rng=5)
    X2, y2 = make(rng=5)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert X.shape == (len(y), 2) and X.dtype == float and y.dtype == np.int64
    assert set(np.unique(y)) == set(range(n_classes))
    assert not np.array_equal(make(rng=6)[0], X)
    X3, _ = make(rng=np.random.default_rng(5))
    assert X3.shape == X.shape


def test_xor_labels_follow_the_quadrants():
    X, y = data.make_xor(500)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    np.testing.assert_array_equal(data.XOR_TARGETS, [0, 1, 1, 0])


def test_spirals_with_three_arms_and_balanced_classes():
    _, y = data.make_spirals(301, n_classes=3)
    assert np.bincount(y).tolist() == [101, 100, 100]


def test_teacher_student():
    X, y, teacher = data.make_teacher_student(50, n_features=3, hidden=4, noise=0.0, rng=1)
    assert X.shape == (50, 3) and y.shape == (50, 1)
    np.testing.assert_allclose(
        y, np.tanh(X @ teacher["W1"] + teacher["b1"]) @ teacher["W2"] + teacher["b2"]
    )


def test_digits_are_shipped():
    X, y, images = data.load_digits(return_images=True)
    assert X.shape == (1797, 64) and y.shape == (1797,) and images.shape == (1797, 8, 8)
    assert X.min() == 0.0 and X.max() == 1.0
    assert images.max() == 16
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    X2, _ = data.load_digits()
    np.testing.assert_array_equal(X, X2)


def test_train_test_split():
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    Xtr, Xte, ytr, yte = data.train_test_split(X, y, test_size=0.3, rng=0)
    assert len(Xte) == 3 and len(Xtr) == 7
    assert sorted(np.r_[ytr, yte].tolist()) == list(range(10))
    np.testing.assert_array_equal(Xtr[:, 0] // 2, ytr)
    with pytest.raises(ValueError, match="same length, got 10 and 9"):
        data.train_test_split(X, y[:9])
    with pytest.raises(ValueError, match="fraction between 0 and 1"):
        data.train_test_split(X, y, test_size=3)


def test_bad_arguments():
    with pytest.raises(ValueError, match="noise must be a non-negative number, got -1"):
        data.make_moons(noise=-1)
    with pytest.raises(TypeError, match="n_samples must be an integer"):
        data.make_xor(10.5)
    with pytest.raises(ValueError, match="at least 2, got 1"):
        data.make_moons(1)
    with pytest.raises(TypeError, match="rng must be an int seed"):
        data.make_xor(rng="seed")
    with pytest.raises(ValueError, match="n_classes must be at least 2"):
        data.make_spirals(10, n_classes=1)
