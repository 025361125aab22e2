"""The graded exercises: the shipped solutions pass, the untouched templates are
"not started", and typical wrong answers fail with a message that names the
input, the expected value and the received one.

Each wrong answer is a mutated copy of a shipped solution, written into a
temporary folder and graded there (``python -m exercises.check --dir``'s
code path).  The expected values the messages must show are worked out here
by hand, or recomputed from the input the message shows, never read from the
checker.
"""
from __future__ import annotations

import ast
import math
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from autograd import PRIMITIVES, plain
from exercises import check, given, grading, tasks
from exercises.truth import Program, central_difference

ROOT = pathlib.Path(__file__).resolve().parents[2]
FOLDER = ROOT / "exercises"
SOLUTIONS = FOLDER / "solutions"


def _grade(folder: pathlib.Path, number: int) -> grading.Result:
    task = tasks.by_number(number)
    return grading.grade(task, folder / task.filename)


def _text(result: grading.Result) -> str:
    return "\n".join(result.lines)


def _shown(result: grading.Result, field: str) -> str:
    m = re.search(rf"^{field}:\s+(.*)$", _text(result), re.M)
    assert m, f"no {field!r} line in:\n{_text(result)}"
    return m.group(1)


def _number(result: grading.Result, field: str) -> float:
    return float(_shown(result, field))


def _mutate(tmp_path: pathlib.Path, number: int, old: str, new: str) -> pathlib.Path:
    """A copy of task ``number``'s solution with ``old`` replaced by ``new``, in ``tmp_path``."""
    name = tasks.by_number(number).filename
    source = (SOLUTIONS / name).read_text(encoding="utf-8")
    assert source.count(old) == 1, f"the mutation's anchor must occur once in {name}: {old!r}"
    (tmp_path / name).write_text(source.replace(old, new), encoding="utf-8")
    return tmp_path / name


def _mutated(tmp_path: pathlib.Path, number: int, old: str, new: str) -> grading.Result:
    """Grade task ``number`` on a mutated copy of its solution."""
    _mutate(tmp_path, number, old, new)
    return _grade(tmp_path, number)


# ---- the solutions and the templates ----------------------------------------------------

def test_every_shipped_solution_passes_every_part():
    for task in tasks.TASKS:
        result = _grade(SOLUTIONS, task.number)
        assert result.status == "passed", (task.number, _text(result))
        assert result.passed == [p.name for p in task.parts]


def test_the_command_grades_the_solutions_from_the_repository_root():
    r = subprocess.run([sys.executable, "-m", "exercises.check", "--solutions"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count(" passed\n") == len(tasks.TASKS)
    assert f"{len(tasks.TASKS)} of {len(tasks.TASKS)} tasks passed" in r.stdout


def test_untouched_templates_are_not_started_and_the_command_fails():
    # The shipped templates: if this fails after you worked on the exercises in
    # place, your own answers are in exercises/ (use --dir for a copy instead).
    for task in tasks.TASKS:
        result = _grade(FOLDER, task.number)
        assert result.status == "not started", (task.number, _text(result))
        assert task.filename in _text(result) and "NotImplementedError" in _text(result)
    r = subprocess.run([sys.executable, "-m", "exercises.check", "1"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "not started" in r.stdout and "exercises/01_local_derivatives.py" in r.stdout


def _functions(path: pathlib.Path) -> tuple[str | None, dict[str, tuple[str, str | None]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return ast.get_docstring(tree), {
        n.name: (ast.unparse(n.args), ast.get_docstring(n))
        for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_each_template_is_its_solution_with_the_bodies_left_to_write():
    for task in tasks.TASKS:
        template, solution = FOLDER / task.filename, SOLUTIONS / task.filename
        assert _functions(template) == _functions(solution), task.filename
        assert grading.unwritten_functions(template) == list(_functions(template)[1]), task.filename
        assert grading.unwritten_functions(solution) == [], task.filename
        assert {p.name for p in task.parts} <= set(_functions(template)[1]), task.filename


def test_exit_status_is_zero_only_when_every_graded_task_passes(tmp_path, capsys):
    for f in SOLUTIONS.glob("0*.py"):
        shutil.copy(f, tmp_path / f.name)
    assert check.main(["--dir", str(tmp_path)]) == 0
    name = tasks.by_number(2).filename
    (tmp_path / name).write_text((SOLUTIONS / name).read_text().replace('"f": local["dL/df"]',
                                                                       '"f": -local["dL/df"]'))
    assert check.main(["--dir", str(tmp_path)]) == 1
    assert check.main(["--dir", str(tmp_path), "1", "3"]) == 0       # the others still pass
    assert check.main(["--dir", str(tmp_path), "02"]) == 1
    out = capsys.readouterr().out
    assert "Next: task 2" in out


def test_a_half_written_task_is_unfinished_and_names_the_missing_function(tmp_path):
    name = tasks.by_number(2).filename
    source = (SOLUTIONS / name).read_text()
    tree = ast.parse(source)
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "gradients")
    lines = source.splitlines(keepends=True)
    lines[fn.body[0].end_lineno:fn.end_lineno] = ["    raise NotImplementedError\n"]
    (tmp_path / name).write_text("".join(lines))
    result = _grade(tmp_path, 2)
    assert result.status == "unfinished" and result.passed == ["local_derivatives"]
    assert "gradients is not written yet" in _text(result)


def test_a_file_that_does_not_import_fails_with_the_reason(tmp_path):
    name = tasks.by_number(1).filename
    (tmp_path / name).write_text("def add(out, a, b)\n    return (1.0, 1.0)\n")
    result = _grade(tmp_path, 1)
    assert result.status == "failed" and "not valid Python: line 1" in _text(result)
    (tmp_path / name).write_text("import no_such_module_here\n")
    result = _grade(tmp_path, 1)
    assert result.status == "failed" and "ModuleNotFoundError" in _text(result)


def test_an_endless_loop_is_stopped(tmp_path):
    path = _mutate(tmp_path, 3, "    while stack:\n", "    while True:\n        pass\n    while stack:\n")
    result = grading.grade(tasks.by_number(3), path, time_limit=0.5)
    assert result.status == "failed" and "stopped after 0.5 s" in _text(result)


def test_grading_leaves_the_primitives_table_as_it_was(tmp_path):
    before = dict(PRIMITIVES)
    assert _grade(SOLUTIONS, 7).ok
    _mutated(tmp_path, 7, "return (s + x * s * (1.0 - s),)", "return (s,)")
    assert PRIMITIVES == before


# ---- typical wrong answers, task by task ------------------------------------------------

# (task, the solution's text, the wrong text, the expected value the message must name,
#  a phrase the message must hold).  Expected values worked out by hand.
WRONG = [
    # 1: local derivatives
    (1, "return (b, a)", "return (a, b)", -3.0, "mul(out=-6.0, a=2.0, b=-3.0)"),         # swapped
    (1, "return (1.0 / b, -a / (b * b))", "return (1.0 / b, a / (b * b))", -0.25, "div"),  # a sign
    (1, "return (c * x ** (c - 1),)", "return (x ** (c - 1),)", 6.0, "power"),            # a factor
    (1, "return (1.0 if x > 0 else 0.0,)", "return (1.0 if x >= 0 else 0.0,)", 0.0, "relu'(0) = 0"),
    (1, "return (alpha if x < 0 else 1.0,)", "return (alpha if x <= 0 else 1.0,)", 1.0, "leaky_relu'(0) = 1"),
    (1, "return (out,)", "return out", "(1.0,)", "mind the comma"),                         # not a tuple
    # 2: the chain rule
    (2, '"dL/df": d}', '"dL/df": f}', 4.0, "dL/df"),
    (2, '"a": dL_de * local["de/da"]', '"a": -dL_de * local["de/da"]', 6.0, "-1 times"),
    (2, 'dL_de = local["dL/dd"] * local["dd/de"]', 'dL_de = local["dL/dd"] + local["dd/de"]', 6.0,
     "multiply the local derivatives"),
    # 4: backward
    (4, "operand.grad += local * node.grad", "operand.grad = local * node.grad", 6.0, "(+=)"),
    # dL/de = dL/dd * dd/de = f * 1 = -2: the first node these two leave wrong
    (4, "for node in reversed(topological_order(root)):", "for node in topological_order(root):", -2.0,
     "reverse topological order"),
    (4, "operand.grad += local * node.grad", "operand.grad += local", -2.0, "e.grad"),
    (4, "root.grad = 1.0", "root.grad = 0.0", 1.0, "root.grad = 1"),
    # 5: a reused node
    (5, "return 6.0 * a ** 3", "return 4.0 * a ** 3", 6.0, "trace naive_backward"),
    (5, "return 4.0 * a ** 3", "return 6.0 * a ** 3", 4.0, "a ** 4"),
    (5, "b = a * 2.0                 # b is used twice below, and itself has an operand\n    return b + b, a",
     "return a + a, a", "two different numbers", "has operands of its own"),
    # 6: the neuron
    (6, "return X.T @ delta, float(np.sum(delta))", "return 2 * X.T @ delta, float(np.sum(delta))",
     -2458.9955, "2 times"),
    (6, "delta = (a - y) * np.where(z < 0, alpha, 1.0)", "delta = (a - y)", -2458.9955, "dJ/dw[0]"),
    (6, "return float(0.5 * np.sum((a - y) ** 2))", "return float(np.sum((a - y) ** 2))", 133740.3760125,
     "factor of 2"),
    (6, "return X.T @ delta, float(np.sum(delta))", "return X.T @ delta, float(np.mean(delta))",
     -518.50045, "dJ/db"),
    (6, "return X.T @ delta, float(np.sum(delta))", "return X.T @ (y - a), float(np.sum(delta))",
     -2458.9955, "dJ/dw[0]"),
]


@pytest.mark.parametrize("number,old,new,expected,phrase", WRONG,
                         ids=[f"task{w[0]}-{i}" for i, w in enumerate(WRONG)])
def test_a_typical_wrong_answer_fails_naming_the_expected_value(tmp_path, number, old, new, expected, phrase):
    result = _mutated(tmp_path, number, old, new)
    assert result.status == "failed", _text(result)
    text = _text(result)
    if isinstance(expected, float):
        assert _number(result, "expected") == expected, text
    else:
        assert _shown(result, "expected") == expected, text
    assert phrase in text, text
    assert _shown(result, "received") != _shown(result, "expected")
    assert "input:" in text and f"idea:     {tasks.by_number(number).idea}" in text


def test_a_wrong_operand_count_is_refused_when_registered(tmp_path):
    # register() compares the arity with the rules' parameters itself, so the
    # learner reads the refusal at the register(...) line, naming both counts.
    result = _mutated(tmp_path, 7, 'return register("swish", "swish", 1, swish_value, swish_derivs)',
                      'return register("swish", "swish", 2, swish_value, swish_derivs)')
    assert result.status == "failed" and result.passed == ["swish_value", "swish_derivs"], _text(result)
    assert _shown(result, "input") == "register_swish()"
    assert "arity is 2" in _shown(result, "received") and "takes 1 operand" in _shown(result, "received")


# Wrong answers that first fail at a random input: the expected value the
# message shows is recomputed here from the input it shows.

def _inputs(result: grading.Result) -> dict[str, float]:
    return {k: float(v) for k, v in re.findall(r"\b(x|a|b|out)=(-?[\d.e+-]+)", _shown(result, "input"))}


def test_a_wrong_tanh_rule_fails_at_a_point_whose_true_slope_is_named(tmp_path):
    result = _mutated(tmp_path, 1, "return (1.0 - out * out,)", "return (1.0 - out,)")
    x = _inputs(result)["x"]
    assert "tanh(" in _shown(result, "input")
    assert _number(result, "expected") == pytest.approx(1.0 - math.tanh(x) ** 2, rel=1e-6)
    assert _number(result, "received") == pytest.approx(1.0 - math.tanh(x), rel=1e-9)


def test_a_wrong_sign_in_a_new_ops_derivative_names_the_true_slope(tmp_path):
    result = _mutated(tmp_path, 7, "return (m.exp(a - out), m.exp(b - out))",
                      "return (m.exp(a - out), -m.exp(b - out))")
    shown = _inputs(result)
    a, b = shown["a"], shown["b"]
    assert "d logaddexp / d b" in _shown(result, "input")
    assert _number(result, "expected") == pytest.approx(math.exp(b) / (math.exp(a) + math.exp(b)), rel=1e-6)


def test_a_rule_written_with_math_fails_at_second_order_or_compile(tmp_path):
    # The first derivative is right on floats; on Values math.exp returns a
    # plain number, so the second derivative loses a term.
    result = _mutated(tmp_path, 7, "    s = m.sigmoid(x)\n    return (s + x",
                      "    import math\n    s = 1.0 / (1.0 + math.exp(-x))\n    return (s + x")
    assert result.passed == ["swish_value", "swish_derivs"]
    if _shown(result, "input") == "register_swish()":
        # A register() that refuses rules calling math.* when they are registered
        # says so itself; that is the other way to fail here, never silently.
        assert "math" in _shown(result, "received")
    else:
        x = _inputs(result)["x"]
        s = 1.0 / (1.0 + math.exp(-x))
        # d/dx (s + x s (1 - s)) = s'(2 + x (1 - 2 s)) with s' = s (1 - s), by hand
        assert _number(result, "expected") == pytest.approx(s * (1 - s) * (2 + x * (1 - 2 * s)), rel=1e-5)
        assert "m's functions" in _text(result)
    result = _mutated(tmp_path, 7, "return x * m.sigmoid(x)",
                      "import math\n    return x / (1.0 + math.exp(-x))")
    assert result.passed == [] and "numpy arrays" in _shown(result, "input")
    assert "m's functions" in _text(result)


def test_a_topological_order_missing_operands_fails(tmp_path):
    result = _mutated(tmp_path, 3, "for p in node.parents:", "for p in node.parents[:1]:")
    assert _shown(result, "expected") == "all 7 nodes"          # a, b, e, c, d, f, L
    assert "without b, c, f" in _shown(result, "received")


def test_a_node_listed_before_its_operands_fails(tmp_path):
    result = _mutated(tmp_path, 3, "stack.append((node, True))     # come back to it after its operands",
                      "order.append(node)")
    assert re.fullmatch(r"\w before L \(which is computed from it\)", _shown(result, "expected"))


def test_a_node_listed_twice_fails(tmp_path):
    result = _mutated(tmp_path, 3, "elif node not in seen:", "else:")
    assert _shown(result, "expected") == "each node once"
    assert "y = x * x" in _shown(result, "input") and "x at positions" in _shown(result, "received")


def test_a_recursive_topological_order_fails_on_the_deep_chain(tmp_path):
    result = _mutated(tmp_path, 3, "    order, seen = [], set()\n    stack", '''    order, seen = [], set()

    def build(v):
        if v not in seen:
            seen.add(v)
            for p in v.parents:
                build(p)
            order.append(v)
    build(root)
    return order
    stack''')
    assert "chain of 5,000" in _shown(result, "input")
    assert "RecursionError" in _shown(result, "received") and "use a list as a stack" in _text(result)


def test_a_leaky_relu_slope_of_alpha_at_zero_fails_on_a_row_at_the_kink(tmp_path):
    result = _mutated(tmp_path, 6, "delta = (a - y) * np.where(z < 0, alpha, 1.0)",
                      "delta = (a - y) * np.where(z <= 0, alpha, 1.0)")
    assert "(a row has z = 0)" in _shown(result, "input") and "leaky_relu'(0) = 1" in _text(result)
    assert _number(result, "expected") != _number(result, "received")


def test_a_hard_coded_alpha_fails(tmp_path):
    result = _mutated(tmp_path, 6, "delta = (a - y) * np.where(z < 0, alpha, 1.0)",
                      "delta = (a - y) * np.where(z < 0, 0.01, 1.0)")
    assert "alpha=0.01" not in _shown(result, "input")


# ---- the checker's own truths -------------------------------------------------------------

def test_naive_backward_gives_what_the_checker_expects_on_the_reused_node():
    # The checker's 6 a**3 was traced by hand; here naive_backward itself runs.
    for a0 in (1.0, -0.7, 1.3):
        a = plain.Value(a0)
        b = a * a
        given.naive_backward(b * b)
        assert a.grad == pytest.approx(6 * a0 ** 3, rel=1e-12)


def test_the_neuron_task_uses_the_numbers_of_the_docs_page():
    import numpy as np

    import nn
    ref = nn.NumpyNeuron(tasks._X_REF.shape, rng=0)
    ref.w, ref.b = tasks._W_REF.copy(), 1.0
    dw, db = ref.gradients(tasks._Y_REF, tasks._X_REF)
    assert np.allclose(dw, tasks._REF_DW, rtol=1e-12, atol=0)
    assert db == pytest.approx(tasks._REF_DB, rel=1e-12)


def test_random_graphs_are_the_same_function_on_floats_and_on_either_engine():
    import random

    import autograd
    for seed in range(50):
        program = Program.draw(random.Random(seed))
        slow, fast = program.build(plain), program.build(autograd)
        assert slow[-1].data == fast[-1].data == pytest.approx(program.value(program.point), rel=1e-12)
        slow[-1].backward()
        for i in range(len(program.point)):
            measured = central_difference(lambda *p, program=program: program.value(p), program.point, i)
            assert slow[i].grad == pytest.approx(measured, rel=1e-5, abs=1e-6)


def test_grading_docstring_examples():
    import doctest
    for module in (grading, tasks, check, given):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
