"""Exercise checks: accept the solution, reject a typical slip with a helpful hint."""

import math

import numpy as np
import pytest

from nnlib import exercises as ex
from nnlib.exercises import CHECKS, Feedback, ch00_find_x


def test_ch00_accepts_the_solution():
    fb = ch00_find_x(-2.0)
    assert fb.passed is True and "slope" in fb.message


def test_ch00_explains_the_positive_root():
    fb = ch00_find_x(2)
    assert fb.passed is False and "slope there is +4" in fb.message


def test_ch00_says_not_done_yet_for_the_placeholder():
    fb = ch00_find_x(None)
    assert fb.passed is None and "Not done yet" in fb.message


@pytest.mark.parametrize("answer", ["-2", True, float("nan")])
def test_ch00_rejects_non_numbers(answer):
    fb = ch00_find_x(answer)
    assert fb.passed is False


def test_ch00_other_numbers_get_their_square():
    assert "f(1.5) = 2.25, not 4" in ch00_find_x(1.5).message


def test_feedback_renders_as_text_and_html():
    fb = Feedback(True, "a < b")
    assert str(fb) == "✅ a < b" and repr(fb) == str(fb)
    assert "a &lt; b" in fb._repr_html_()
    assert Feedback(None, "x").symbol == "✏️" and Feedback(False, "x").symbol == "❌"


def test_checks_are_registered_by_chapter():
    assert CHECKS["00.find_x"] is ch00_find_x


# ----------------------------------------------------------------- chapter 01


def test_ch01_secant_slope():
    assert ex.ch01_secant_slope((2.1**3 - 8) / 0.1).passed
    assert "derivative" in ex.ch01_secant_slope(12).message
    assert "divide by h" in ex.ch01_secant_slope(1.261).message
    assert "central" in ex.ch01_secant_slope(12.01).message
    assert ex.ch01_secant_slope(5).passed is False
    assert ex.ch01_secant_slope("12.61").passed is False
    assert ex.ch01_secant_slope(None).passed is None


def test_ch01_central_difference():
    assert ex.ch01_central_difference(lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h)).passed
    assert (
        "factor of 2"
        in ex.ch01_central_difference(lambda f, x, h: (f(x + h) - f(x - h)) / h).message
    )
    assert (
        "forward difference"
        in ex.ch01_central_difference(lambda f, x, h: (f(x + h) - f(x)) / h).message
    )
    assert "raised ZeroDivisionError" in ex.ch01_central_difference(lambda f, x, h: 1 / 0).message
    assert "return a number" in ex.ch01_central_difference(lambda f, x, h: "12").message
    assert "we expect 12.01" in ex.ch01_central_difference(lambda f, x, h: 0.0).message
    assert ex.ch01_central_difference(3).passed is False
    assert ex.ch01_central_difference(None).passed is None


def test_ch01_best_h():
    candidates = [10.0**-k for k in range(1, 16)]
    best = min(candidates, key=lambda h: abs((math.exp(h) - 1) / h - 1))
    assert ex.ch01_best_h(best).passed
    assert "round-off" in ex.ch01_best_h(1e-14).message
    assert "go smaller" in ex.ch01_best_h(1e-2).message
    assert ex.ch01_best_h(-1).passed is False
    assert ex.ch01_best_h(None).passed is None


def test_ch01_error_ratio():
    assert ex.ch01_error_ratio(100).passed
    assert "forward" in ex.ch01_error_ratio(10).message
    assert ex.ch01_error_ratio(2).passed is False
    assert ex.ch01_error_ratio([100]).passed is False
    assert ex.ch01_error_ratio(None).passed is None


# ----------------------------------------------------------------- chapter 02


def test_ch02_product_rule():
    assert ex.ch02_product_rule(2 * math.sin(1) + math.cos(1)).passed
    assert "multiplies the two derivatives" in ex.ch02_product_rule(2 * math.cos(1)).message
    assert "Only one term" in ex.ch02_product_rule(2 * math.sin(1)).message
    assert ex.ch02_product_rule(0.0).passed is False
    assert ex.ch02_product_rule("2.22").passed is False
    assert ex.ch02_product_rule(None).passed is None


def test_ch02_gradient():
    assert ex.ch02_gradient((4, 1)).passed and ex.ch02_gradient([4.0, 1.0]).passed
    assert "wrong order" in ex.ch02_gradient((1, 4)).message
    assert "keeps it" in ex.ch02_gradient((2, 1)).message
    assert ex.ch02_gradient((0, 0)).passed is False
    assert "pair of numbers" in ex.ch02_gradient(4).message
    assert ex.ch02_gradient(None).passed is None


def test_ch02_chain():
    assert ex.ch02_chain(-24).passed
    assert "local derivative" in ex.ch02_chain(-3).message
    assert "dM/dd" in ex.ch02_chain(8).message
    assert "sign" in ex.ch02_chain(24).message
    assert ex.ch02_chain(1).passed is False
    assert ex.ch02_chain([1]).passed is False
    assert ex.ch02_chain(None).passed is None


def test_ch02_local_vs_gradient():
    assert ex.ch02_local_vs_gradient((2, -4)).passed
    assert "Swapped" in ex.ch02_local_vs_gradient((-4, 2)).message
    assert "They differ" in ex.ch02_local_vs_gradient((2, 2)).message
    assert ex.ch02_local_vs_gradient((1, 5)).passed is False
    assert ex.ch02_local_vs_gradient("2,-4").passed is False
    assert ex.ch02_local_vs_gradient(None).passed is None


# ----------------------------------------------------------------- chapter 03


def test_ch03_neuron_output():
    assert ex.ch03_neuron_output((-1.6, 0.0)).passed
    assert "bias" in ex.ch03_neuron_output((-3.6, 0)).message
    assert "max(0, z)" in ex.ch03_neuron_output((-1.6, -1.6)).message
    assert ex.ch03_neuron_output((1, 1)).passed is False
    assert ex.ch03_neuron_output(-1.6).passed is False
    assert ex.ch03_neuron_output(None).passed is None


def test_ch03_loan_boundary():
    assert ex.ch03_loan_boundary(50).passed
    assert "income 0" in ex.ch03_loan_boundary(75).message
    assert "divide by 2" in ex.ch03_loan_boundary(100).message
    assert ex.ch03_loan_boundary(10).passed is False
    assert ex.ch03_loan_boundary("50").passed is False
    assert ex.ch03_loan_boundary(None).passed is None


def test_ch03_and_gate():
    assert ex.ch03_and_gate((1, 1, -1.5)).passed
    assert ex.ch03_and_gate([2.0, 3.0, -4.0]).passed
    assert "OR" in ex.ch03_and_gate((1, 1, -0.5)).message
    assert "[1, 1, 1, 1]" in ex.ch03_and_gate((1, 1, 1)).message
    assert "three numbers" in ex.ch03_and_gate((1, 1)).message
    assert ex.ch03_and_gate(None).passed is None


def test_ch03_xor_best():
    assert ex.ch03_xor_best(0.75).passed and ex.ch03_xor_best(3).passed
    assert "linearly separable" in ex.ch03_xor_best(1.0).message
    assert "better than half" in ex.ch03_xor_best(0.5).message
    assert ex.ch03_xor_best(0.1).passed is False
    assert ex.ch03_xor_best("3/4").passed is False
    assert ex.ch03_xor_best(None).passed is None


# ----------------------------------------------------------------- chapter 04


def test_ch04_sigmoid_slope():
    s = 1 / (1 + math.exp(-2))
    assert ex.ch04_sigmoid_slope(s * (1 - s)).passed
    assert "z = 0" in ex.ch04_sigmoid_slope(0.25).message
    assert "the value" in ex.ch04_sigmoid_slope(s).message
    assert ex.ch04_sigmoid_slope(1).passed is False
    assert ex.ch04_sigmoid_slope("0.1").passed is False
    assert ex.ch04_sigmoid_slope(None).passed is None


def test_ch04_collapse():
    W1, b1, W2, b2 = (np.array(m) for m in (ex.CH04_W1, ex.CH04_B1, ex.CH04_W2, ex.CH04_B2))
    assert ex.ch04_collapse((W2 @ W1, W2 @ b1 + b2)).passed
    assert "transposed" in ex.ch04_collapse(((W2 @ W1).T, W2 @ b1 + b2)).message
    assert "first bias" in ex.ch04_collapse((W2 @ W1, b2)).message
    assert "check b" in ex.ch04_collapse((W2 @ W1, [0, 0])).message
    assert "Substitute" in ex.ch04_collapse((np.zeros((2, 2)), [0, 0])).message
    assert "2×2" in ex.ch04_collapse((W1, b1)).message
    assert "pair" in ex.ch04_collapse(5).message
    assert ex.ch04_collapse(None).passed is None


def test_ch04_softmax():
    e = np.exp([1.0, 2.0, 3.0])
    assert ex.ch04_softmax(e / e.sum()).passed
    assert "exponentiates" in ex.ch04_softmax([1 / 6, 2 / 6, 3 / 6]).message
    assert "sum to 1" in ex.ch04_softmax([0.5, 0.5, 0.5]).message
    assert ex.ch04_softmax([0.2, 0.3, 0.5]).passed is False
    assert "three probabilities" in ex.ch04_softmax([1, 2]).message
    assert ex.ch04_softmax(None).passed is None


def test_ch04_which_activation():
    good = {"hidden": "ReLU", "binary_output": "sigmoid", "multiclass_output": "softmax",
            "regression_output": "none"}  # fmt: skip
    assert ex.ch04_which_activation(good).passed
    assert "saturate" in ex.ch04_which_activation({**good, "hidden": "sigmoid"}).message
    assert "squash" in ex.ch04_which_activation({**good, "regression_output": "relu"}).message
    assert "keys" in ex.ch04_which_activation({"hidden": "relu"}).message
    assert ex.ch04_which_activation(None).passed is None


# ----------------------------------------------------------------- chapter 05


def test_ch05_shapes():
    assert ex.ch05_shapes(((32, 16), (16, 64))).passed
    assert "first axis" in ex.ch05_shapes(((16, 32), (16, 64))).message
    assert "(out, in)" in ex.ch05_shapes(((32, 16), (64, 16))).message
    assert ex.ch05_shapes(((1, 1), (1, 1))).passed is False
    assert "pair of shapes" in ex.ch05_shapes(5).message
    assert ex.ch05_shapes(None).passed is None


def test_ch05_xor_hidden():
    assert ex.ch05_xor_hidden((2, 1)).passed
    assert "popular" in ex.ch05_xor_hidden((1.5, 0.5)).message
    assert ex.ch05_xor_hidden((0, 0)).passed is False
    assert ex.ch05_xor_hidden("2,1").passed is False
    assert ex.ch05_xor_hidden(None).passed is None


def test_ch05_fix_xor():
    assert ex.ch05_fix_xor(-3).passed and ex.ch05_fix_xor(-2.5).passed
    assert "published weight" in ex.ch05_fix_xor(-2).message
    assert "[0, 1, 1, 1]" in ex.ch05_fix_xor(0).message
    assert ex.ch05_fix_xor("x").passed is False
    assert ex.ch05_fix_xor(None).passed is None


def test_ch05_parameters():
    assert ex.ch05_parameters(2410).passed
    assert "weights only" in ex.ch05_parameters(2368).message
    assert ex.ch05_parameters(100).passed is False
    assert ex.ch05_parameters("2410").passed is False
    assert ex.ch05_parameters(None).passed is None


# ----------------------------------------------------------------- chapter 06


def test_ch06_mse():
    assert ex.ch06_mse(8.5).passed
    assert "mean" in ex.ch06_mse(17).message
    assert "absolute" in ex.ch06_mse(2.5).message
    assert "before averaging" in ex.ch06_mse(4.5).message
    assert ex.ch06_mse(1).passed is False and ex.ch06_mse("8.5").passed is False
    assert ex.ch06_mse(None).passed is None


def test_ch06_bce():
    assert ex.ch06_bce(-math.log(0.8)).passed
    assert "minus sign" in ex.ch06_bce(math.log(0.8)).message
    assert "base 10" in ex.ch06_bce(-math.log10(0.8)).message
    assert "class 0" in ex.ch06_bce(-math.log(0.2)).message
    assert ex.ch06_bce(5).passed is False and ex.ch06_bce([1]).passed is False
    assert ex.ch06_bce(None).passed is None


def test_ch06_categorical():
    assert ex.ch06_categorical(-math.log(0.7)).passed
    assert "count from 0" in ex.ch06_categorical(-math.log(0.2)).message
    assert "one-hot" in ex.ch06_categorical(-math.log(0.1 * 0.2 * 0.7)).message
    assert ex.ch06_categorical(2).passed is False and ex.ch06_categorical("x").passed is False
    assert ex.ch06_categorical(None).passed is None


def test_ch06_logit_gradient():
    s = 1 / (1 + math.exp(4))
    assert ex.ch06_logit_gradient(s - 1).passed
    assert "squared-error" in ex.ch06_logit_gradient(2 * (s - 1) * s * (1 - s)).message
    assert "sign" in ex.ch06_logit_gradient(1 - s).message
    assert (
        ex.ch06_logit_gradient(0.0).passed is False and ex.ch06_logit_gradient("x").passed is False
    )
    assert ex.ch06_logit_gradient(None).passed is None


# ----------------------------------------------------------------- chapter 07


def test_ch07_chain_rule():
    assert ex.ch07_chain_rule(-3).passed
    assert "sign" in ex.ch07_chain_rule(3).message
    assert "drop the 2" in ex.ch07_chain_rule(-1.5).message
    assert "the loss" in ex.ch07_chain_rule(2.25).message
    assert ex.ch07_chain_rule(0).passed is False and ex.ch07_chain_rule("x").passed is False
    assert ex.ch07_chain_rule(None).passed is None


def test_ch07_update():
    assert ex.ch07_update(2.3).passed
    assert "subtracts" in ex.ch07_update(1.7).message
    assert "learning rate" in ex.ch07_update(5).message
    assert ex.ch07_update(0).passed is False and ex.ch07_update("x").passed is False
    assert ex.ch07_update(None).passed is None


def test_ch07_accumulation():
    assert ex.ch07_accumulation(7).passed
    assert "missing" in ex.ch07_accumulation(6).message
    assert "Only one path" in ex.ch07_accumulation(3).message
    assert ex.ch07_accumulation(1).passed is False and ex.ch07_accumulation("7").passed is False
    assert ex.ch07_accumulation(None).passed is None


def test_ch07_weight_gradient():
    assert ex.ch07_weight_gradient([[0.5, 1.0], [-0.5, -1.0]]).passed
    assert "Transposed" in ex.ch07_weight_gradient([[0.5, -0.5], [1.0, -1.0]]).message
    assert ex.ch07_weight_gradient([[0, 0], [0, 0]]).passed is False
    assert "2×2" in ex.ch07_weight_gradient([1, 2]).message
    assert ex.ch07_weight_gradient(None).passed is None


# ----------------------------------------------------------------- chapter 08


def test_ch08_one_step():
    assert ex.ch08_one_step(-0.4).passed
    assert "uphill" in ex.ch08_one_step(0.4).message
    assert "learning rate" in ex.ch08_one_step(-4).message
    assert ex.ch08_one_step(1).passed is False and ex.ch08_one_step("x").passed is False
    assert ex.ch08_one_step(None).passed is None


def test_ch08_divergence():
    assert ex.ch08_divergence(1.0).passed
    assert "one step" in ex.ch08_divergence(0.5).message
    assert "before lr = 2" in ex.ch08_divergence(2).message
    assert ex.ch08_divergence(3).passed is False and ex.ch08_divergence("1").passed is False
    assert ex.ch08_divergence(None).passed is None


def test_ch08_valley_rate():
    assert ex.ch08_valley_rate(0.1).passed
    assert "stricter" in ex.ch08_valley_rate(1.0).message
    assert "fastest" in ex.ch08_valley_rate(0.05).message
    assert ex.ch08_valley_rate(0.3).passed is False and ex.ch08_valley_rate("x").passed is False
    assert ex.ch08_valley_rate(None).passed is None


def test_ch08_updates_per_epoch():
    assert ex.ch08_updates_per_epoch(57).passed
    assert "last 5" in ex.ch08_updates_per_epoch(56).message
    assert "stochastic" in ex.ch08_updates_per_epoch(1797).message
    assert (
        ex.ch08_updates_per_epoch(10).passed is False
        and ex.ch08_updates_per_epoch("57").passed is False
    )
    assert ex.ch08_updates_per_epoch(None).passed is None
