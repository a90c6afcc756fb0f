"""The playground's logic without a browser, and its widget's Python side.

Data, features, network, training, reproducibility, gradients (against
central differences), the numbers the browser draws, the generated code, and
clear errors for bad settings.
"""

import json

import numpy as np
import pytest

from nnlib.gradcheck import gradcheck
from nnlib.playground.model import (
    CLASSIFICATION_DATASETS,
    CONTROLS,
    DEFAULTS,
    FEATURES,
    PlaygroundModel,
    R,
    feature_matrix,
    make_dataset,
    split,
    validate_config,
)

# ---------------------------------------------------------------------- data


@pytest.mark.parametrize("name", ["circle", "xor", "gaussian", "spiral", "moons"])
def test_classification_sets_are_balanced_and_in_the_square(name):
    X, y = make_dataset(name, 200, noise=0.2, seed=1)
    assert X.shape == (200, 2) and y.shape == (200,)
    assert set(y.tolist()) == {0, 1}
    assert 80 <= y.sum() <= 120
    assert np.all(np.abs(X) <= R)
    X2, y2 = make_dataset(name, 200, noise=0.2, seed=1)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)  # seeded
    assert not np.array_equal(X, make_dataset(name, 200, noise=0.2, seed=2)[0])


def test_dataset_labels_follow_their_rule():
    X, y = make_dataset("xor", 300)
    assert np.array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int))
    X, y = make_dataset("circle", 300)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() <= 0.45 * R + 1e-12 and r[y == 0].min() >= 0.65 * R
    X, y = make_dataset("gaussian", 400)
    assert X[y == 1].mean(axis=0) == pytest.approx([R / 2, R / 2], abs=0.2)
    X, y = make_dataset("plane", 50)
    assert np.allclose(y, (X[:, 0] + X[:, 1]) / (2 * R))
    X, y = make_dataset("hills", 50)
    assert np.allclose(y, np.sin(X[:, 0]) * np.cos(X[:, 1]))
    assert np.abs(make_dataset("hills", 500, noise=0.5)[1]).max() <= 1.0


def test_custom_points_and_split():
    X, y = make_dataset("custom", points=[[0.0, 1.0, 1], [2.0, -1.0, 0], [1.0, 1.0, 1]])
    assert sorted(map(tuple, X.tolist())) == [(0.0, 1.0), (1.0, 1.0), (2.0, -1.0)]
    assert y.dtype.kind == "i" and sorted(y.tolist()) == [0, 1, 1]
    X, y = make_dataset("custom", points=[])
    assert X.shape == (0, 2)
    _, ytr, _, yte = split(np.arange(20).reshape(10, 2), np.arange(10), 0.3)
    assert ytr.tolist() == [0, 1, 2] and yte.tolist() == list(range(3, 10))
    assert len(split(np.zeros((1, 2)), np.zeros(1), 0.1)[0]) == 1  # at least one trains


def test_features():
    Z = feature_matrix([[2.0, -1.0]], list(FEATURES))
    assert Z.tolist() == [[2.0, -1.0, 4.0, 1.0, -2.0, np.sin(2.0), np.sin(-1.0)]]


# -------------------------------------------------------------------- config


def test_config_is_complete_json_and_normalised():
    m = PlaygroundModel(features=["x1x2", "x1"], hidden=(3,), hidden_controls=["seed", "play"])
    c = m.config
    assert set(c) == set(DEFAULTS) and set(m.settings) == set(DEFAULTS) - {"epoch", "edits"}
    assert c["features"] == ["x1", "x1x2"] and c["hidden"] == [3]
    assert c["hidden_controls"] == ["seed", "play"]
    assert json.loads(json.dumps(c)) == c
    c["hidden"].append(5)  # a copy: the model is unchanged
    assert m.config["hidden"] == [3]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dataset": "circles"}, "dataset (for classification) must be one of 'circle'"),
        ({"dataset": "circle", "problem": "regression"}, "dataset (for regression) must be"),
        ({"problem": "ranking"}, "problem must be one of 'classification', 'regression'"),
        ({"hidden": [4] * 7}, "hidden must be a list of 0 to 6 layer sizes, got [4, 4, 4"),
        ({"hidden": [9]}, "hidden[0] must be an integer from 1 to 8, got 9"),
        ({"hidden": [2.5]}, "hidden[0] must be an integer from 1 to 8, got 2.5"),
        ({"hidden": 4}, "hidden must be a list of 0 to 6 layer sizes, got 4"),
        ({"features": []}, "features must be a non-empty list of names from x1, x2"),
        ({"features": ["x3"]}, "every feature must be one of 'x1', 'x2'"),
        ({"features": ["x1", "x1"]}, "features must be a list without repeats"),
        ({"activation": "swish"}, "activation must be one of 'tanh', 'relu'"),
        ({"learning_rate": 0}, "learning_rate must be a number from 1e-06 to 10, got 0"),
        ({"learning_rate": float("nan")}, "learning_rate must be a number from 1e-06 to 10"),
        ({"learning_rate": "0.1"}, "learning_rate must be a number from 1e-06 to 10, got '0.1'"),
        ({"noise": -0.1}, "noise must be a number from 0 to 0.5, got -0.1"),
        ({"train_ratio": 1.0}, "train_ratio must be a number from 0.1 to 0.9, got 1.0"),
        ({"batch_size": 0}, "batch_size must be an integer from 1 to 1000, got 0"),
        ({"n_points": True}, "n_points must be an integer from 10 to 1000, got True"),
        ({"optimizer": "rmsprop"}, "optimizer must be one of 'sgd', 'momentum', 'adam'"),
        ({"regularization": "l2"}, "regularization must be one of 'none', 'L1', 'L2'"),
        ({"regularization_rate": -1}, "regularization_rate must be a number from 0 to 10"),
        ({"discretize": 1}, "discretize must be True or False, got 1"),
        ({"seed": -1}, "seed must be an integer from 0 to 4294967295, got -1"),
        ({"points": [[0, 0]]}, "points[0] must be a triple [x1, x2, label], got [0, 0]"),
        ({"points": [[0, 9, 1]]}, "points[0] x2 must be a number from -3 to 3, got 9"),
        ({"points": [[0, 0, 2]]}, "points[0] label must be 0 or 1 for classification, got 2"),
        ({"hidden_controls": ["everything"]}, "every hidden control must be one of 'problem'"),
        ({"colour": "red"}, "every config key must be one of problem, dataset"),
    ],
)
def test_bad_settings_say_what_was_expected_and_what_came(change, message):
    with pytest.raises(ValueError) as e:
        PlaygroundModel(**change)
    assert message in str(e.value)
    with pytest.raises(ValueError):
        PlaygroundModel().update(**change)


def test_other_hostile_inputs():
    m = PlaygroundModel()
    with pytest.raises(ValueError, match="the config must be a dict, got"):
        PlaygroundModel.from_config([("hidden", [2])])
    with pytest.raises(ValueError, match="n \\(epochs\\) must be an integer from 0"):
        m.step(-1)
    with pytest.raises(ValueError, match="layer must be an integer from 0 to 2, got 3"):
        m.set_weight(3, 0, 0, 1.0)
    with pytest.raises(
        ValueError, match=r"j \(a neuron of node layer 0\) must be .* 0 to 1, got 2"
    ):
        m.set_weight(0, 0, 2, 1.0)
    with pytest.raises(ValueError, match="the weight must be a number"):
        m.set_weight(0, 0, 0, float("inf"))
    with pytest.raises(ValueError, match="weights must be one of 'initial', 'current'"):
        m.to_code(weights="random")
    with pytest.raises(ValueError, match="res must be an integer from 2 to 400"):
        m.surface(1)


# ------------------------------------------------------------------ network


def test_network_shape_follows_the_config():
    m = PlaygroundModel(features=["x1", "x2", "sin_x1"], hidden=[5, 3], activation="relu")
    assert m.layer_sizes == [3, 5, 3, 1]
    assert [type(x).__name__ for x in m.net.layers] == [
        "Linear", "ReLU", "Linear", "ReLU", "Linear",
    ]  # fmt: skip
    assert [w.shape for w, _ in m.weights()] == [(5, 3), (3, 5), (1, 3)]
    lin = PlaygroundModel(hidden=[2], activation="linear")
    assert [type(x).__name__ for x in lin.net.layers] == ["Linear", "Linear"]
    assert [o.shape for o in lin.layer_outputs(np.zeros((4, 2)))] == [(4, 2), (4, 2), (4, 1)]
    none = PlaygroundModel(hidden=[])
    assert none.layer_sizes == [2, 1] and len(none.linears) == 1


def test_update_rebuilds_only_when_needed():
    m = PlaygroundModel()
    m.step(3)
    assert m.update(learning_rate=0.1) is False and m.epoch == 3
    assert m.optimizer.lr == 0.1
    assert m.update(optimizer="adam") is False and type(m.optimizer).__name__ == "Adam"
    assert m.update(regularization="L2", regularization_rate=0.01, batch_size=5) is False
    assert m.update(discretize=True) is False and m.epoch == 3
    assert m.update(hidden=[3]) is True and m.epoch == 0
    assert m.update(problem="regression") is True
    assert m.config["dataset"] == "plane"  # switched to a regression set
    assert m.update(problem="classification") is True and m.config["dataset"] == "circle"


def _loss_checks(m):
    """Every parameter's gradient against central differences, through nnlib.gradcheck."""
    result = gradcheck(m.net, m.Z_train, target=m.t_train, loss_fn=m.loss_fn)
    assert result.passed, str(result)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "linear", "relu"])
@pytest.mark.parametrize("problem", ["classification", "regression"])
def test_network_gradients_match_central_differences(activation, problem):
    m = PlaygroundModel(
        problem=problem, n_points=20, hidden=[3, 2], activation=activation,
        features=["x1", "x2", "x1x2", "sin_x2"], seed=4,
    )  # fmt: skip
    m.step(2)
    _loss_checks(m)


@pytest.mark.parametrize("reg", ["L1", "L2"])
def test_objective_gradient_with_regularisation_matches_central_differences(reg):
    m = PlaygroundModel(n_points=20, hidden=[3], regularization=reg, regularization_rate=0.3)
    grads = m.gradients()
    eps = 1e-6
    for layer, (w, b) in zip(m.linears, grads, strict=True):
        for param, analytic in ((layer.weight.data, w), (layer.bias.data, b)):
            flat, numeric = param.reshape(-1), np.zeros(param.size)
            for k in range(param.size):
                old = flat[k]
                flat[k] = old + eps
                up = m.objective()
                flat[k] = old - eps
                down = m.objective()
                flat[k] = old
                numeric[k] = (up - down) / (2 * eps)
            assert np.allclose(analytic.reshape(-1), numeric, rtol=1e-5, atol=1e-8)


def test_penalty_values():
    m = PlaygroundModel(hidden=[], regularization="L2", regularization_rate=0.5)
    m.set_weight(0, 0, 0, 2.0)
    m.set_weight(0, 0, 1, -1.0)
    assert m.penalty() == pytest.approx(0.5 * 0.5 * (4 + 1))
    m.update(regularization="L1")
    assert m.penalty() == pytest.approx(0.5 * 3)
    m.update(regularization="none")
    assert m.penalty() == 0.0


# ------------------------------------------------------------------ training

GOOD = {
    "circle": {"features": ["x1_sq", "x2_sq"], "hidden": [2]},
    "xor": {"features": ["x1", "x2", "x1x2"], "hidden": [3]},
    "gaussian": {"hidden": [2]},
    "moons": {"hidden": [6, 6], "optimizer": "adam", "learning_rate": 0.01},
    "spiral": {"features": ["x1", "x2", "sin_x1", "sin_x2"], "hidden": [8, 8],
               "optimizer": "adam", "learning_rate": 0.01},
}  # fmt: skip


@pytest.mark.parametrize(("name", "epochs"), [
    ("circle", 60), ("xor", 60), ("gaussian", 20), ("moons", 150), ("spiral", 300),
])  # fmt: skip
def test_each_dataset_trains_to_a_sensible_accuracy(name, epochs):
    m = PlaygroundModel(dataset=name, **GOOD[name])
    m.step(epochs)
    assert m.history["train"][-1] < m.history["train"][0]
    assert m.accuracy("train") >= 0.9, (name, m.accuracy("train"))
    assert m.accuracy("test") >= 0.85, (name, m.accuracy("test"))


@pytest.mark.parametrize("name", ["plane", "hills"])
def test_regression_trains(name):
    m = PlaygroundModel(problem="regression", dataset=name, hidden=[6, 6], optimizer="adam",
                        learning_rate=0.01)  # fmt: skip
    m.step(100)
    assert m.accuracy() is None
    assert m.history["train"][-1] < 0.2 * m.history["train"][0]
    assert m.history["test"][-1] < 0.05


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_every_optimiser_lowers_the_loss(optimizer):
    m = PlaygroundModel(dataset="gaussian", optimizer=optimizer, learning_rate=0.01)
    m.step(10)
    assert m.history["train"][-1] < m.history["train"][0]
    assert len(m.history["train"]) == len(m.history["test"]) == m.epoch + 1 == 11


def test_from_config_repeats_a_run_exactly():
    cfg = {
        "dataset": "spiral", "noise": 0.2, "features": ["x1", "x2", "sin_x1"], "hidden": [5, 3],
        "activation": "relu", "optimizer": "adam", "regularization": "L1",
        "regularization_rate": 0.001, "batch_size": 7, "train_ratio": 0.6, "seed": 11,
    }  # fmt: skip
    a = PlaygroundModel(**cfg)
    a.step(15)
    assert a.config["epoch"] == 15 and a.config["edits"] == []
    b = PlaygroundModel.from_config(json.loads(json.dumps(a.config)))
    assert b.epoch == 15 and a.history == b.history  # it stands where a stands
    fresh = PlaygroundModel.from_config({**a.config, "epoch": 0})
    fresh.step(15)
    assert fresh.history == a.history
    _same_state(a, b)
    c = PlaygroundModel(**{**cfg, "seed": 12})
    c.step(15)
    assert c.history["train"] != a.history["train"]


def _same_state(a, b, epochs=4):
    """Same weights, history and settings now, and the same after training on (optimiser
    state and shuffling included)."""
    for _ in range(2):
        assert a.epoch == b.epoch and a.history == b.history and a.settings == b.settings
        for (w1, b1), (w2, b2) in zip(a.weights(), b.weights(), strict=True):
            assert np.array_equal(w1, w2) and np.array_equal(b1, b2)
        a.step(epochs)
        b.step(epochs)


def _edited_run():
    m = PlaygroundModel(dataset="spiral", hidden=[5, 3], optimizer="momentum", batch_size=7)
    m.set_weight(0, 1, 0, 0.7)  # at epoch 0
    m.update(learning_rate=0.1)  # at epoch 0: the settings say it, no edit
    m.step(5)
    m.set_weight(1, 2, 3, -1.0)
    m.set_weight(1, 2, 3, -1.5)  # the same weight again: one edit
    m.set_bias(1, 0, 0.2)
    m.update(learning_rate=0.2)
    m.update(learning_rate=0.3)  # one edit, from 0.1 to 0.3
    m.step(4)
    m.update(optimizer="adam", regularization="L2", regularization_rate=0.01, discretize=True)
    m.step(3)
    m.update(batch_size=3)
    return m


def test_weight_edits_and_mid_run_settings_are_in_the_config():
    m = _edited_run()
    cfg = m.config
    assert cfg["epoch"] == 12 and cfg["learning_rate"] == 0.3 and cfg["optimizer"] == "adam"
    assert cfg["discretize"] is True  # changes no number: simply a setting
    assert cfg["edits"] == [
        {"epoch": 0, "weight": [0, 1, 0], "value": 0.7},
        {"epoch": 5, "weight": [1, 2, 3], "value": -1.5},
        {"epoch": 5, "bias": [1, 0], "value": 0.2},
        {"epoch": 5, "setting": "learning_rate", "from": 0.1, "to": 0.3},
        {"epoch": 9, "setting": "optimizer", "from": "momentum", "to": "adam"},
        {"epoch": 9, "setting": "regularization", "from": "none", "to": "L2"},
        {"epoch": 9, "setting": "regularization_rate", "from": 0.0, "to": 0.01},
        {"epoch": 12, "setting": "batch_size", "from": 7, "to": 3},
    ]
    assert json.loads(json.dumps(cfg)) == cfg
    assert validate_config(cfg) == cfg
    # The same state, number for number, and the same run after it.
    _same_state(_edited_run(), PlaygroundModel.from_config(json.loads(json.dumps(cfg))))


def test_a_config_replays_its_edits_from_the_start():
    m = _edited_run()
    cfg = {**m.config, "epoch": 0}
    again = PlaygroundModel.from_config(cfg)
    assert again.epoch == 0 and again.settings["learning_rate"] == 0.1  # as at epoch 0
    assert again.weights()[0][0][1, 0] == 0.7  # the edit of epoch 0 is made
    assert again.config == cfg  # the later edits wait for their epoch
    again.step(5)
    assert again.weights()[1][0][2, 3] == -1.5 and again.settings["learning_rate"] == 0.3
    again.step(7)
    _same_state(m, again)


def test_edits_by_hand_and_reset():
    m = PlaygroundModel.from_config({**_edited_run().config, "epoch": 7})
    assert m.settings["optimizer"] == "momentum" and m.config["optimizer"] == "adam"
    m.update(learning_rate=1.0)  # drops nothing but what followed it for this setting
    m.set_weight(0, 0, 0, 0.25)
    edits = m.config["edits"]
    assert edits[4:6] == [
        {"epoch": 7, "setting": "learning_rate", "from": 0.3, "to": 1.0},
        {"epoch": 7, "weight": [0, 0, 0], "value": 0.25},
    ]
    assert [e["epoch"] for e in edits[6:]] == [9, 9, 9, 12]  # still waiting
    _same_state(PlaygroundModel.from_config(m.config), m)
    m = PlaygroundModel.from_config({**m.config, "epoch": 7})
    m.update(learning_rate=0.3)  # after the weight: an edit of its own
    m.update(optimizer="momentum")  # no change: no edit
    m.update(optimizer="sgd")  # the optimiser of epoch 9 no longer follows
    assert [(e["epoch"], e.get("setting"), e.get("to")) for e in m.config["edits"][4:]] == [
        (7, "learning_rate", 1.0), (7, None, None), (7, "learning_rate", 0.3),
        (7, "optimizer", "sgd"), (9, "regularization", "L2"), (9, "regularization_rate", 0.01),
        (12, "batch_size", 3),
    ]  # fmt: skip
    _same_state(PlaygroundModel.from_config(m.config), m)
    m.reset()
    assert m.config["edits"] == [] and m.config["epoch"] == 0
    m.step(2)
    m.set_weight(0, 0, 0, 1.0)
    m.update(hidden=[2])  # a new network: a new run
    assert m.config["edits"] == [] and m.epoch == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"epoch": -1}, "epoch must be an integer from 0 to 1000000, got -1"),
        ({"edits": {}}, "edits must be a list of edits, got {}"),
        ({"edits": [{"epoch": 0, "weight": [0, 0, 0]}]}, "edits[0] must be a dict {'epoch'"),
        ({"edits": [{"epoch": 0, "weight": [0, 0], "value": 1}]}, "edits[0] weight must be"),
        ({"edits": [{"epoch": 0, "bias": [0, 9], "value": 1}]}, "edits[0] bias[1] must be an"),
        ({"edits": [{"epoch": 0, "bias": [0, 0], "value": "1"}]}, "edits[0] value must be a"),
        ({"edits": [{"epoch": 2, "bias": [0, 0], "value": 1}, {"epoch": 1, "bias": [0, 0],
          "value": 1}]}, "edits[1] epoch must be at least the epoch of the edit before it (2)"),
        ({"edits": [{"epoch": 1, "setting": "hidden", "from": [2], "to": [3]}]},
         "edits[0] setting must be one of 'learning_rate', 'optimizer'"),
        ({"edits": [{"epoch": 1, "setting": "learning_rate", "from": 0.03, "to": 0}]},
         "learning_rate must be a number from 1e-06 to 10, got 0"),
        ({"edits": [{"epoch": 1, "setting": "learning_rate", "from": 0.1, "to": 0.3}]},
         "edits[0] to must be 0.03, the learning_rate after it, got 0.3"),
        ({"edits": [{"epoch": 0, "weight": [5, 0, 0], "value": 1}]},
         "edits[0]: layer must be an integer from 0 to 2, got 5"),
        ({"edits": [{"epoch": 0, "weight": [0, 3, 0], "value": 1}]},
         "edits[0]: i (a neuron of node layer 1) must be an integer from 0 to 1, got 3"),
    ],
)  # fmt: skip
def test_bad_runs_say_what_was_expected_and_what_came(change, message):
    with pytest.raises(ValueError) as e:
        PlaygroundModel.from_config({"hidden": [2, 2], **change})
    assert message in str(e.value)


def test_the_run_is_not_a_setting():
    m = PlaygroundModel()
    for key in ("epoch", "edits"):
        with pytest.raises(ValueError, match=f"{key} is not a setting: train with step"):
            m.update(**{key: 3})


def test_weight_editing_changes_the_output_and_the_loss():
    m = PlaygroundModel(hidden=[])
    before = m.history["train"][-1]
    m.set_weight(0, 0, 1, 5.0)
    assert m.weights()[0][0][0, 1] == 5.0
    assert m.history["train"][-1] != before and len(m.history["train"]) == 1
    m.set_bias(0, 0, -2.0)
    assert m.weights()[0][1][0] == -2.0
    # output p = sigmoid(w·x + b) at (0, 0) is sigmoid(-2)
    assert m.predict([[0.0, 0.0]])[0] == pytest.approx(1 / (1 + np.exp(2.0)))


def test_custom_points():
    m = PlaygroundModel()
    with pytest.raises(ValueError, match="label must be 0 or 1"):
        m.add_point(0.0, 0.0, 3)
    m.update(dataset="custom")
    with pytest.raises(ValueError, match="the custom data set has no points yet"):
        m.step(1)
    frame = m.frame()  # still drawable
    assert frame["train_loss"] is None and frame["train_accuracy"] is None
    for x, y, c in [(-2, -2, 0), (-1.5, -2, 0), (2, 2, 1), (1.5, 2.5, 1)]:
        m.add_point(x, y, c)
    assert len(m.config["points"]) == 4 and len(m.X_train) == 2
    m.update(learning_rate=0.3)
    m.step(30)
    assert m.accuracy("train") == 1.0
    m.clear_points()
    assert m.config["points"] == [] and len(m.X_train) == 0
    reg = PlaygroundModel(problem="regression", dataset="custom")
    reg.add_point(1.0, 1.0, 0.5)
    assert reg.config["points"] == [[1.0, 1.0, 0.5]]


# --------------------------------------------------------- what is drawn


def test_surface_and_neuron_grids():
    m = PlaygroundModel(hidden=[3, 2], features=["x1", "x2", "x1_sq"])
    s = m.surface(10)
    assert s.shape == (10, 10) and np.all(np.abs(s) <= 1)
    # row 0 is the top (x2 near +R), column 0 the left (x1 near -R)
    top_left = 2 * m.predict([[-R + 0.3, R - 0.3]])[0] - 1
    assert s[0, 0] == pytest.approx(top_left)
    grids = m.neuron_grids(8)
    assert [g.shape for g in grids] == [(3, 8, 8), (3, 8, 8), (2, 8, 8), (1, 8, 8)]
    assert grids[0][0, 0, 0] == pytest.approx((-R + 0.375) / R)  # x1 / R in the top-left cell
    assert grids[0][2].max() <= 1.0  # x1² / R²
    assert np.allclose(grids[-1][0], m.surface(8))
    m.update(discretize=True)
    assert set(np.unique(m.surface(10))) <= {-1.0, 0.0, 1.0}


def test_layer_stats_count_dead_relus():
    m = PlaygroundModel(hidden=[2], activation="relu")
    m.linears[0].weight.data[0] = 0.0
    m.linears[0].bias.data[0] = -1.0  # neuron 0 outputs max(0, -1) = 0 everywhere
    stats = m.layer_stats()
    assert stats[0]["dead"] == 0.5
    h = m.layer_outputs(m.X_train)[1]
    assert stats[0]["mean"] == pytest.approx(h.mean()) and stats[0]["std"] == pytest.approx(
        h.std()
    )
    assert stats[1]["grad_norm"] == pytest.approx(np.linalg.norm(m.gradients()[1][0]))


def test_frame_is_json_ready_even_when_training_diverges():
    m = PlaygroundModel(hidden=[8, 8], activation="relu", learning_rate=10.0)
    m.step(30)
    f = m.frame(12, 6)
    text = json.dumps({k: v for k, v in f.items() if k not in ("surface", "neurons")},
                      allow_nan=False)  # fmt: skip
    assert json.loads(text)["epoch"] == 30
    assert f["surface"].shape == (12, 12)
    assert len(f["weights"]) == 3 and len(f["grads"][1]) == 8 and len(f["grads"][1][0]) == 8


# ----------------------------------------------------------------------- code


@pytest.mark.parametrize(
    "cfg",
    [
        {"dataset": "xor", "features": ["x1", "x2", "x1x2"], "hidden": [4], "seed": 3},
        {"problem": "regression", "dataset": "hills", "hidden": [4, 3], "optimizer": "adam",
         "regularization": "L2", "regularization_rate": 0.001, "activation": "relu"},
        {"dataset": "moons", "optimizer": "momentum", "regularization": "L1",
         "regularization_rate": 0.001, "activation": "sigmoid", "hidden": []},
        {"dataset": "custom", "points": [[1, 1, 1], [-1, -1, 0], [1, -1, 1], [-2, 2, 0]],
         "activation": "linear", "batch_size": 3},
    ],
)  # fmt: skip
def test_to_code_runs_and_repeats_the_run(cfg, capsys):
    m = PlaygroundModel(**cfg)
    m.step(12)
    code = m.to_code()
    compile(code, "<to_code>", "exec")
    ns = {}
    exec(code, ns)
    assert "epoch 12: train loss" in capsys.readouterr().out
    assert ns["history"][-1] < ns["history"][0]  # it trains
    assert ns["history"] == pytest.approx(m.history["train"], rel=1e-12)  # exactly this run


def test_to_code_with_current_weights_starts_where_the_playground_is():
    m = PlaygroundModel(dataset="gaussian", hidden=[3])
    m.step(5)
    m.set_weight(0, 1, 0, 0.75)
    ns = {}
    exec(m.to_code(epochs=0, weights="current"), ns)
    assert ns["history"] == [pytest.approx(m.history["train"][-1], rel=1e-12)]
    assert ns["model"].layers[0].weight.data[1, 0] == 0.75


# -------------------------------------------------------------------- widget


def test_widget_python_side(tmp_path):
    pytest.importorskip("anywidget")
    from nnlib.playground import Playground

    pg = Playground(dataset="xor", hidden=[8, 8])
    assert pg.model.layer_sizes == [2, 8, 8, 1]
    n = 50 * 50 + (8 + 8 + 1) * 16 * 16
    assert len(pg.grids) == 4 * n
    assert pg.frame["epoch"] == 0 and len(pg.points["train"]) == 100
    pg.step(3)
    assert pg.frame["epoch"] == 3 and len(pg.frame["history"]["train"]) == 4
    send = lambda **msg: pg._on_message(pg, msg, [])  # noqa: E731
    send(type="step", n=2, seq=7)
    assert pg.frame["epoch"] == 5 and pg.frame["seq"] == 7
    send(type="set", changes={"learning_rate": 0.3})
    assert pg.config["learning_rate"] == 0.3 and pg.settings["learning_rate"] == 0.3
    send(type="set", changes={"activation": "swish"})
    assert "activation must be one of" in pg.status
    send(type="set_weight", layer=1, i=2, j=3, value=1.5)
    assert pg.frame["weights"][1][2][3] == 1.5 and pg.status == ""
    send(type="set_bias", layer=2, i=0, value=-0.5)
    assert pg.frame["biases"][2][0] == -0.5
    # The edits are in the config, and from_config stands where this one stands.
    assert pg.config["epoch"] == 5 and pg.config["edits"] == [
        {"epoch": 5, "setting": "learning_rate", "from": 0.03, "to": 0.3},
        {"epoch": 5, "weight": [1, 2, 3], "value": 1.5},
        {"epoch": 5, "bias": [2, 0], "value": -0.5},
    ]
    assert "edits" not in pg.settings and pg.settings["learning_rate"] == 0.3
    again = Playground.from_config(pg.config)
    assert again.config == pg.config and again.grids == pg.grids
    assert {k: v for k, v in again.frame.items() if k != "seq"} == {
        k: v for k, v in pg.frame.items() if k != "seq"
    }
    send(type="reset")
    assert pg.frame["epoch"] == 0
    send(type="set", changes={"dataset": "custom"})
    send(type="add_point", x1=1.0, x2=2.0, label=1)
    assert pg.config["points"] == [[1.0, 2.0, 1]]
    send(type="clear_points")
    assert pg.config["points"] == []
    send(type="code")
    assert "nn.Sequential(" in pg.code
    send(type="launch")
    assert "unknown message type 'launch'" in pg.status
    same = Playground.from_config(pg.config)
    assert same.config == pg.config and same.to_code() == pg.to_code()
    with pytest.raises(ValueError, match="hidden"):
        Playground(hidden=[0])
    assert set(pg.meta["controls"]) == set(CONTROLS)
    assert pg.meta["datasets"]["classification"] == list(CLASSIFICATION_DATASETS)
    pg.update(hidden=[2])
    assert pg.frame["layer_sizes"] == [2, 2, 1]
    pg.set_weight(0, 0, 0, 0.5)
    pg.add_point(0.0, 0.0, 0)
    pg.reset()
    # the loss history sent to the browser is thinned
    pg.step(400)
    assert len(pg.frame["history"]["train"]) <= 300
    assert pg.frame["history"]["epoch"][-1] == 400


def test_validate_config_defaults():
    assert validate_config({}) == DEFAULTS


# ------------------------------------------------- L1 by its proximal step (chapter 09)

CHAPTER_09 = {
    "dataset": "spiral", "noise": 0.1, "hidden": [8, 8, 8], "activation": "relu",
    "features": ["x1", "x2", "x1_sq", "x2_sq", "sin_x1", "sin_x2"],
    "optimizer": "adam", "learning_rate": 0.01, "batch_size": 10,
}  # fmt: skip


def test_l1_sets_weights_to_exactly_zero_and_l2_does_not():
    """Chapter 09's claim: L1's soft-threshold step makes weights exactly 0 (28 of 184
    after 200 epochs of the chapter's set-up at rate 0.01); without it, or with L2, none."""
    zeros = {}
    for reg in ("none", "L1", "L2"):
        m = PlaygroundModel(**CHAPTER_09, regularization=reg, regularization_rate=0.01)
        m.step(200)
        weights = np.concatenate([w.ravel() for w, _ in m.weights()])
        assert weights.size == 184
        zeros[reg] = int(np.sum(weights == 0))
    assert zeros == {"none": 0, "L1": 28, "L2": 0}


def test_l1_step_is_a_soft_threshold():
    """One mini-batch step with L1: the optimiser's step on the data loss, then every
    weight moves lr·λ towards 0 and stops at 0 rather than cross it."""
    m = PlaygroundModel(dataset="xor", hidden=[3], optimizer="sgd", learning_rate=0.1,
                        regularization="L1", regularization_rate=0.5, batch_size=500)  # fmt: skip
    m.set_weight(0, 0, 0, 0.01)  # within lr·λ = 0.05 of 0 (unless the data pull it far)
    twin = PlaygroundModel.from_config({**m.config, "regularization": "none"})
    twin.step(1)  # the same step without the penalty
    m.step(1)
    for (w, _), (w_free, _) in zip(m.weights(), twin.weights(), strict=True):
        expected = np.sign(w_free) * np.maximum(np.abs(w_free) - 0.05, 0.0)
        np.testing.assert_allclose(w, expected, rtol=0, atol=1e-15)
    assert np.sum(np.concatenate([w.ravel() for w, _ in m.weights()]) == 0) >= 1
