"""Chapter 09's companion (nnlib.chapters.ch09): explorers and exercises."""

import math
from pathlib import Path

import numpy as np
import pytest

from nnlib.chapters import ch09
from nnlib.exercises import get
from tests.exercise_helpers import define

# ------------------------------------------------------------------ explorers


def test_optimiser_paths_on_both_surfaces():
    valley = ch09.optimiser_paths("valley")
    assert valley["distance"]["SGD"] > 1
    assert all(valley["distance"][n] < 0.1 for n in ("momentum", "RMSprop", "Adam"))
    banana = ch09.optimiser_paths("rosenbrock")
    assert banana["distance"]["SGD"] > 1 > 0.3 > banana["distance"]["momentum"]
    assert banana["paths"]["Adam"].shape == (501, 2)
    assert not any(banana["diverged"].values())
    with pytest.raises(ValueError, match="surface must be one of"):
        ch09.optimiser_paths("bowl")


def test_optimiser_paths_stop_when_they_diverge():
    r = ch09.optimiser_paths("valley", sgd_lr=0.5)
    assert r["diverged"]["SGD"] and len(r["paths"]["SGD"]) < 61
    assert not r["diverged"]["Adam"]


def test_optimiser_explorer_follows_its_sliders():
    ex = ch09.optimiser_explorer("rosenbrock")
    before = ex.result["distance"]["SGD"]
    ex.sliders["sgd_lr"].value = 0.0025
    assert ex.result["lr"]["SGD"] == pytest.approx(0.0025)
    assert ex.result["distance"]["SGD"] < before
    ex.sliders["steps"].value = 100
    assert ex.figure.axes[0].get_lines()[1].get_xydata().shape == (101, 2)
    assert "after 100 steps" in ex.readout.value
    ex.sliders["beta2"].value = 0.5
    assert ex.result["settings"]["beta2"] == 0.5
    # two columns of sliders, then the readout and the picture
    assert len(ex.widget.children) == 4


def test_init_statistics_match_the_chapter():
    assert ch09.init_statistics("ReLU", math.sqrt(2))["std"][-1] == pytest.approx(0.89, abs=0.2)
    assert ch09.init_statistics("ReLU", 0.3)["std"][-1] < 1e-5
    assert ch09.init_statistics("ReLU", 3.0)["std"][-1] > 100
    r = ch09.init_statistics("tanh", 3.0)
    assert np.mean(np.abs(r["histograms"][10]) > 0.95) > 0.4
    with pytest.raises(ValueError, match="activation"):
        ch09.init_statistics("sigmoid", 1.0)


def test_init_explorer_verdicts():
    ex = ch09.init_explorer()
    assert "about right" in ex.readout.value
    ex.sliders["gain"].value = 3.0
    assert "almost flat" in ex.readout.value
    ex.sliders["activation"].value = "ReLU"
    assert "explode" in ex.readout.value
    ex.sliders["gain"].value = 0.2
    assert "too small" in ex.readout.value
    assert ex.figure.axes[0].get_title() == "ReLU, gain 0.20"


def test_stopping_point_and_patience_explorer():
    table = [0.92, 0.71, 0.735, 0.64, 0.655, 0.59, 0.56, 0.575, 0.57, 0.585,
             0.54, 0.548, 0.53, 0.536, 0.52]  # fmt: skip
    assert ch09.stopping_point(table, 5) == (15, 15)
    assert ch09.stopping_point(table, 3) == (7, 10)
    assert ch09.stopping_point([1.0, 2.0, 3.0], 1) == (1, 2)
    val = 0.5 + (np.arange(50) - 15) ** 2 / 500
    ex = ch09.patience_explorer(np.ones(50), val, patience=5)
    assert ex.result["best"] == 16 and ex.result["stop"] == 21
    ex.sliders["patience"].value = 30
    assert ex.result["stop"] == 46 and "epoch <b>46</b>" in ex.readout.value


# ------------------------------------------------------------------ exercises


def _run(ex_id, answer):
    return get(ex_id).run(answer)


@pytest.mark.parametrize("ex_id", ["09.1", "09.2", "09.3", "09.4"])
def test_solution_passes_and_placeholder_is_not_done(ex_id):
    ex = get(ex_id)
    (name,) = ex.answers
    assert _run(ex_id, define(ex.solution, name)).passed is True
    assert _run(ex_id, define(ex.placeholder, name)).passed is None


ADAMW = get("09.1").solution
ADAMW_RETURN = "return w - lr * adam - lr * weight_decay * w, m, v"

# (edits of our solution, words of the diagnosis)
ADAM_SLIPS = {
    "plain Adam": ([(ADAMW_RETURN, "return w - lr * adam, m, v")], "weight decay is missing"),
    "L2 through m and v": (
        [
            ("m = beta1 * m", "g = g + weight_decay * w\n    m = beta1 * m"),
            (ADAMW_RETURN, "return w - lr * adam, m, v"),
        ],
        "Adam with L2 regularisation",
    ),
    "decay without lr": (
        [(ADAMW_RETURN, "return w - lr * adam - weight_decay * w, m, v")],
        "the learning rate scales it too",
    ),
    "decay added": (
        [(ADAMW_RETURN, "return w - lr * adam + lr * weight_decay * w, m, v")],
        "shrinks the weights towards 0",
    ),
    "decay after the step": (
        [(ADAMW_RETURN, "return (w - lr * adam) * (1 - lr * weight_decay), m, v")],
        "before this step",
    ),
    "without bias correction": (
        [("m / (1 - beta1**t)", "m"), ("v / (1 - beta2**t)", "v")],
        "without bias correction",
    ),
    "only m": ([("v / (1 - beta2**t)", "v")], "Only m was corrected"),
    "t + 1": (
        [("beta1**t", "beta1 ** (t + 1)"), ("beta2**t", "beta2 ** (t + 1)")],
        "t + 1",
    ),
    "one beta": ([("v = beta2 * v + (1 - beta2)", "v = beta1 * v + (1 - beta1)")], "two betas"),
    "eps inside": (
        [("m_hat / (np.sqrt(v_hat) + eps)", "m_hat / np.sqrt(v_hat + eps)")],
        "inside the square root",
    ),
    "no sqrt": (
        [("m_hat / (np.sqrt(v_hat) + eps)", "m_hat / (v_hat + eps)")],
        "not by its square root",
    ),
    "the Adam paper's form": (
        [
            (
                "adam = m_hat / (np.sqrt(v_hat) + eps)",
                "adam = np.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v) + eps)",
            )
        ],
        "Adam paper's efficient form",
    ),
}


def _edited(source, edits):
    for old, new in edits:
        assert old in source, old
        source = source.replace(old, new)
    return source


@pytest.mark.parametrize("slip", list(ADAM_SLIPS))
def test_adamw_slips_are_named(slip):
    edits, words = ADAM_SLIPS[slip]
    fb = _run("09.1", define(_edited(ADAMW, edits), "adamw_step"))
    assert fb.passed is False, slip
    assert "input:" in fb.message and "expected:" in fb.message
    assert words in fb.message, fb.message


def test_the_adam_of_section_1_copied_is_not_the_answer():
    """Cell 5's Adam step, wrapped as a function, misses the decay and is told so."""
    source = """
def adamw_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
"""
    fb = _run("09.1", define(source, "adamw_step"))
    assert fb.passed is False and "weight decay is missing" in fb.message


def test_adamw_cases_are_pytorchs_adamw():
    """Public wants (nnlib.optim.Adam after the decay) and hidden wants (the reference
    from the formulas) are both what torch.optim.AdamW does."""
    torch = pytest.importorskip("torch")
    for case in [*get("09.1").cases, *get("09.1").hidden]:
        p = torch.nn.Parameter(torch.tensor(case["w"]))
        opt = torch.optim.AdamW([p], lr=case["lr"], betas=(case["beta1"], case["beta2"]),
                                eps=case["eps"], weight_decay=case["weight_decay"])  # fmt: skip
        for g, (w, m, v) in zip(case["grads"], case["want"], strict=True):
            p.grad = torch.tensor(g)
            opt.step()
            state = opt.state[p]
            np.testing.assert_allclose(p.detach().numpy(), w, rtol=1e-12, atol=1e-300)
            np.testing.assert_allclose(state["exp_avg"].numpy(), m, rtol=1e-12, atol=1e-300)
            np.testing.assert_allclose(state["exp_avg_sq"].numpy(), v, rtol=1e-12, atol=1e-300)


def test_adamw_solution_matches_torch_over_several_steps():
    torch = pytest.importorskip("torch")
    adamw_step = define(ADAMW, "adamw_step")
    g = np.random.default_rng(1)
    w0 = g.normal(size=(3, 2))
    tp = torch.tensor(w0, requires_grad=True)
    topt = torch.optim.AdamW([tp], lr=0.01, betas=(0.8, 0.99), eps=1e-8, weight_decay=0.1)
    w, m, v = w0.copy(), np.zeros_like(w0), np.zeros_like(w0)
    for t in range(1, 8):
        grad = g.normal(size=(3, 2))
        w, m, v = adamw_step(w, grad, m, v, t, 0.01, 0.8, 0.99, 1e-8, 0.1)
        tp.grad = torch.tensor(grad)
        topt.step()
    np.testing.assert_allclose(w, tp.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_adamw_statement_says_where_eps_goes():
    ex = get("09.1")
    assert "ε added to √v̂" in ex.placeholder
    notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    text = next(notebooks.glob("09_*.ipynb")).read_text(encoding="utf-8")
    assert "√v̂ + ε" in text and "AdamW" in text


def test_adam_wrong_kinds():
    fb = _run("09.1", lambda w, g, m, v, t, *rest: w)
    assert fb.passed is False and "three arrays" in fb.message
    fb = _run("09.1", lambda w, g, m, v, t, *rest: (w, m, v[:1]))
    assert fb.passed is False and "shape" in fb.message
    fb = _run("09.1", 3.0)
    assert fb.passed is False and "Expected a function" in fb.message
    fb = _run("09.1", lambda w, g, m, v, t, lr, b1, b2, eps: (w, m, v))  # no weight_decay
    assert fb.passed is False and "TypeError" in fb.message


CLIP_SLIPS = {
    "its own norm": """
def clip_by_global_norm(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    out = []
    for g in grads:
        n = np.linalg.norm(g)
        out.append(g * max_norm / n if n > max_norm else g)
    return out, total
""",
    "never scales up": """
def clip_by_global_norm(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    if total == 0:
        return grads, total
    return [g * max_norm / total for g in grads], total
""",
    "after clipping": """
def clip_by_global_norm(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    if total > max_norm:
        return [g * max_norm / total for g in grads], max_norm
    return grads, total
""",
    "square root": """
def clip_by_global_norm(grads, max_norm):
    total = sum(np.sum(g**2) for g in grads)
    if np.sqrt(total) > max_norm:
        return [g * max_norm / np.sqrt(total) for g in grads], total
    return grads, total
""",
    "raised": """
def clip_by_global_norm(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    return [g * min(1.0, max_norm / total) for g in grads], total
""",
}


@pytest.mark.parametrize("words", list(CLIP_SLIPS))
def test_clip_slips_are_named(words):
    fb = _run("09.2", define(CLIP_SLIPS[words], "clip_by_global_norm"))
    assert fb.passed is False and words in fb.message


def test_clip_wrong_kinds():
    fb = _run("09.2", lambda grads, max_norm: grads)
    assert fb.passed is False and "two things" in fb.message
    fb = _run("09.2", lambda grads, max_norm: (grads, "5"))
    assert fb.passed is False and "text" in fb.message
    fb = _run("09.2", lambda grads, max_norm: (grads[:1], 1.0))
    assert fb.passed is False
    fb = _run("09.2", lambda grads, max_norm: (grads, float("nan")))
    assert fb.passed is False and "NaN" in fb.message


WARMUP_SLIPS = {
    "(step + 1)": """
def warmup_cosine(step, base_lr, warmup_steps, total_steps):
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    if step >= total_steps:
        return 0.0
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return base_lr * 0.5 * (1 + math.cos(math.pi * p))
""",
    "rises again": """
def warmup_cosine(step, base_lr, warmup_steps, total_steps):
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return base_lr * 0.5 * (1 + math.cos(math.pi * p))
""",
    "where the warm-up ends": """
def warmup_cosine(step, base_lr, warmup_steps, total_steps):
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    if step >= total_steps:
        return 0.0
    return base_lr * 0.5 * (1 + math.cos(math.pi * step / total_steps))
""",
    "factor 1/2": """
def warmup_cosine(step, base_lr, warmup_steps, total_steps):
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    if step >= total_steps:
        return 0.0
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return base_lr * (1 + math.cos(math.pi * p))
""",
}


@pytest.mark.parametrize("words", list(WARMUP_SLIPS))
def test_warmup_slips_are_named(words):
    fb = _run("09.3", define(WARMUP_SLIPS[words], "warmup_cosine"))
    assert fb.passed is False and words in fb.message


def test_warmup_without_warmup_steps_must_not_divide_by_zero():
    source = """
def warmup_cosine(step, base_lr, warmup_steps, total_steps):
    if step >= total_steps:
        return 0.0
    if step <= warmup_steps:
        return base_lr * step / warmup_steps
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return base_lr * 0.5 * (1 + math.cos(math.pi * p))
"""
    fb = _run("09.3", define(source, "warmup_cosine"))
    assert fb.passed is False and "ZeroDivisionError" in fb.message
    assert "warmup_steps=0" in fb.message


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (np.float32(2.0), "twice"),
        (2, "twice"),
        (1.0, "*with* both corrections"),
        (20.0, "square root"),
        (0.2, "only v corrected"),
        (10.0, "only m corrected"),
        (0.1, "put m₁ = 0.2·g on top"),
        (0.5, "upside down"),
        (0.02, "multiplies"),
        (4.0, "square of the answer"),
        (0.8 / math.sqrt(0.99), "1 - β₁ and 1 - β₂ belong"),
        (0.1 / math.sqrt(0.001), "default betas"),
        (-2.0, "A length is positive"),
        (-1, "A length is positive"),
        (5.0, "is not it"),
    ],
)
def test_first_step_ratio(answer, words):
    fb = _run("09.4", answer)
    assert words in fb.message
    assert fb.passed is (words == "twice")


@pytest.mark.parametrize("bad", [True, "2", float("nan"), [1.0, 2.0]])
def test_first_step_ratio_wrong_kinds(bad):
    fb = _run("09.4", bad)
    assert fb.passed is False and "Expected" in fb.message


# ------------------------------------------- public cases, hidden cases, hostile results


def test_public_wants_equal_the_reference():
    """The public cases' expected values (library code or literals) are the reference's."""
    from nnlib.solutions.ch09 import adamw_reference, clip_reference, warmup_cosine_reference

    for case in get("09.1").cases:
        for got, want in zip(case["want"], adamw_reference(case), strict=True):
            for a, b in zip(got, want, strict=True):
                np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-300)
    for case in get("09.2").cases:
        clipped, total = case["want"]
        ref_clipped, ref_total = clip_reference(case["grads"], case["max_norm"])
        assert total == pytest.approx(ref_total, rel=1e-12)
        for a, b in zip(clipped, ref_clipped, strict=True):  # clip_grad_norm_ adds 1e-6
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-300)
    for case in get("09.3").cases:
        args = (case["step"], case["base_lr"], case["warmup_steps"], case["total_steps"])
        assert case["want"] == warmup_cosine_reference(*args)


def test_public_module_does_not_import_the_solutions():
    source = Path(ch09.__file__).read_text(encoding="utf-8")
    assert "nnlib.solutions" not in source.replace("nnlib/solutions", "")


@pytest.mark.parametrize(
    ("ex_id", "source", "words"),
    [
        (
            "09.2",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = np.sqrt(sum(np.sum(g**2) for g in grads))\n"
            "    return [g * min(1.0, max_norm / total) for g in grads], total\n",
            ["FloatingPointError", "line 3", "all 0", "max_norm=1"],
        ),
        (
            "09.3",
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if step <= warmup_steps:\n"
            "        return base_lr * step / warmup_steps\n"
            "    if step >= total_steps:\n"
            "        return 0.0\n"
            "    p = (step - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return base_lr * 0.5 * (1 + math.cos(math.pi * p))\n",
            ["ZeroDivisionError", "line 3", "warmup_steps=0", "no warm-up"],
        ),
        (
            "09.1",
            "def adamw_step(w, g, m, v, t, lr, beta1, beta2, eps, weight_decay):\n"
            "    m = beta1 * m + (1 - beta1) * g\n"
            "    v = beta2 * v + (1 - beta2) * g**2\n"
            "    m_hat, v_hat = m / (1 - beta1 ** (t - 1)), v / (1 - beta2 ** (t - 1))\n"
            "    return w - lr * m_hat / (np.sqrt(v_hat) + eps) - lr * weight_decay * w, m, v\n",
            ["FloatingPointError", "line 4", "t is already 1"],
        ),
    ],
)
def test_exceptions_become_feedback_with_input_and_line(ex_id, source, words):
    fb = _run(ex_id, define(source, get(ex_id).answers[0]))
    assert fb.passed is False and "Traceback" not in fb.message
    for word in words:
        assert word in fb.message, (word, fb.message)


@pytest.mark.parametrize("ex_id", ["09.1", "09.2", "09.3"])
@pytest.mark.parametrize(
    "hostile", [None, "text", 3.0, [], [None], (1, 2, 3), {"w": 1}, np.zeros(3)]
)
def test_judges_never_raise_on_hostile_results(ex_id, hostile):
    """Whatever plain data arrives, the judge answers with feedback, never an exception."""
    ex = get(ex_id)
    cases = ex.grading_cases()
    fb = ex.judge(cases, [hostile] * len(cases))
    assert fb.passed is False


def test_library_shortcuts_are_refused():
    sources = {
        "09.1": "def adamw_step(w, g, m, v, t, lr, beta1, beta2, eps, weight_decay):\n"
        "    from nnlib import nn, optim\n"
        "    p = nn.Parameter(w * (1 - lr * weight_decay))\n"
        "    opt = optim.Adam([p], lr=lr, betas=(beta1, beta2), eps=eps)\n"
        "    return p.data, m, v\n",
        "09.2": "def clip_by_global_norm(grads, max_norm):\n"
        "    from nnlib import nn\n"
        "    ps = [nn.Parameter(np.zeros_like(g)) for g in grads]\n"
        "    for p, g in zip(ps, grads):\n"
        "        p.grad = g.copy()\n"
        "    return [p.grad for p in ps], nn.clip_grad_norm_(ps, max_norm)\n",
        "09.3": "from nnlib import nn, optim\n"
        "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
        "    opt = optim.SGD([nn.Parameter([0.0])], lr=base_lr)\n"
        "    return optim.CosineAnnealingLR(opt, T_max=total_steps).lr_at(step)\n",
    }
    for ex_id, source in sources.items():
        fb = _run(ex_id, define(source, get(ex_id).answers[0]))
        assert fb.passed is False and "switched off" in fb.message, fb.message


def test_stored_pytorch_losses_ship_with_nnlib():
    """Without PyTorch, the capstone still compares with PyTorch's recorded losses."""
    losses, version = ch09.pytorch_capstone_losses()
    assert version.startswith("2.13") and losses.shape == (450,)
    assert np.all(np.isfinite(losses)) and abs(losses[0] - math.log(10)) < 0.05
    assert losses[-1] < 0.2


def test_explorers_say_what_they_show():
    assert "patience 5" in ch09.patience_explorer(np.ones(50), np.linspace(1, 2, 50)).alt_text()
    assert "gain 1.00" in ch09.init_explorer().alt_text()
    assert "Adam (vermillion" in ch09.optimiser_explorer("valley").alt_text()


def test_a_missing_return_is_named():
    fb = _run("09.1", lambda *args: None)
    assert fb.passed is False and "`return` missing" in fb.message
    fb = _run("09.2", lambda grads, max_norm: None)
    assert fb.passed is False and "`return` missing" in fb.message
    fb = _run("09.3", lambda step, lr, warm, total: lr * step / warm if step < warm else None)
    assert fb.passed is False and "`return` missing" in fb.message and "step=10" in fb.message


def test_results_in_the_wrong_order_are_named():
    """(m, v, w) fed back into the next step puts a negative number under √: that is
    named, not blamed on a division by 0; (norm, list) is told to swap."""
    wrong_order = _edited(
        ADAMW, [(ADAMW_RETURN, "return m, v, w - lr * adam - lr * weight_decay * w")]
    )
    fb = _run("09.1", define(wrong_order, "adamw_step"))
    assert fb.passed is False and "square root of a negative" in fb.message
    assert "divided by exactly 0" not in fb.message
    swapped = """
def clip_by_global_norm(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    return total, [g * min(1.0, max_norm / max(total, 1e-12)) for g in grads]
"""
    fb = _run("09.2", define(swapped, "clip_by_global_norm"))
    assert fb.passed is False and "other way round" in fb.message


def test_a_wrong_norm_is_not_called_the_norm_after_clipping():
    # sqrt of the sum of the arrays' norms: on [3, 4] it gives √5, which is also the norm
    # of what it clipped to; the clipped arrays are wrong, so "after clipping" is not it
    source = """
def clip_by_global_norm(grads, max_norm):
    total = np.sqrt(sum(np.linalg.norm(g) for g in grads))
    if total > max_norm:
        return [g * max_norm / total for g in grads], total
    return grads, total
"""
    fb = _run("09.2", define(source, "clip_by_global_norm"))
    assert fb.passed is False and "after clipping" not in fb.message


def test_a_warmup_that_starts_one_step_ahead_is_named():
    source = """
def warmup_cosine(step, base_lr, warmup_steps, total_steps):
    if step < warmup_steps:
        return base_lr * max(step, 1) / warmup_steps
    if step >= total_steps:
        return 0.0
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return base_lr * 0.5 * (1 + math.cos(math.pi * p))
"""
    fb = _run("09.3", define(source, "warmup_cosine"))
    assert fb.passed is False and "one step ahead" in fb.message and "max(step, 1)" in fb.message
