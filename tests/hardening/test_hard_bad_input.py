"""Bad input, table-driven: every public function and constructor, wrong on purpose.

Each row is a call, the exception type, and the fragments its message must
contain: the function's name and the offending value (or what was wrong with
it).  After every row the shared Values, model, optimizer and gradients must be
exactly as before: an error never leaves anything half-changed.  Files get
their own tests below: corrupt, truncated at every byte, a save interrupted
midway.
"""
import math
import os

import numpy as np
import pytest

import autograd
import nn
from autograd import Value, grad, gradcheck

NAN = float("nan")
INF = math.inf

# Shared state every row could damage; checked unchanged after each row.
x = Value(1.5, label="x")
w = Value(-0.5, label="w")
y = (x * w).tanh()
y.backward()
model = nn.MLP(2, [3, 1], rng=0)
model([0.5, -1.0]).backward()
opt = nn.SGD(model.parameters(), lr=0.1)
adam = nn.Adam(model.parameters(), lr=0.01)
MLP_NAME = "MLP(nin=2, nouts=[3, 1]"


def snapshot():
    params = model.parameters()
    return ([(v.data, v.grad, v.label) for v in (x, w, y)],
            [(p.data, p.grad) for p in params])


def _compiled(fn):
    return autograd.compile(fn)


R = pytest.param
ROWS = [
    # Value and its operators
    R(lambda: Value("1.5"), TypeError, ["Value", "'1.5'"], id="Value(str)"),
    R(lambda: Value(None), TypeError, ["Value", "None"], id="Value(None)"),
    R(lambda: Value(1 + 2j), TypeError, ["Value", "(1+2j)"], id="Value(complex)"),
    R(lambda: Value([1.0]), TypeError, ["Value", "[1.0]"], id="Value(list)"),
    R(lambda: Value(np.array([1.0, 2.0])), TypeError, ["Value", "array"], id="Value(array)"),
    R(lambda: Value(NAN), ValueError, ["Value", "NaN"], id="Value(nan)"),
    R(lambda: Value(np.float32("nan")), ValueError, ["Value", "NaN"], id="Value(np.nan32)"),
    R(lambda: x + "a", TypeError, ["add", "'a'"], id="add-str"),
    R(lambda: "a" - x, TypeError, ["sub", "'a'"], id="rsub-str"),
    R(lambda: x * [2.0], TypeError, ["mul", "[2.0]"], id="mul-list"),
    R(lambda: x / None, TypeError, ["div", "None"], id="div-None"),
    R(lambda: x * NAN, ValueError, ["mul", "NaN"], id="mul-nan"),
    R(lambda: NAN + x, ValueError, ["add", "NaN"], id="radd-nan"),
    R(lambda: x ** "2", TypeError, ["pow", "'2'"], id="pow-str"),
    R(lambda: x ** NAN, ValueError, ["pow", "NaN"], id="pow-nan"),
    R(lambda: "2" ** x, TypeError, ["pow", "'2'"], id="rpow-str"),
    R(lambda: x.leaky_relu("0.1"), TypeError, ["leaky_relu", "'0.1'"], id="leaky_relu-alpha-str"),
    R(lambda: x.leaky_relu(NAN), ValueError, ["leaky_relu", "NaN"], id="leaky_relu-alpha-nan"),
    R(lambda: y.backward("1"), TypeError, ["backward", "'1'"], id="backward-str"),
    R(lambda: y.backward(NAN), ValueError, ["backward", "NaN"], id="backward-nan"),
    R(lambda: y.backward([1.0]), TypeError, ["backward", "[1.0]"], id="backward-list"),
    # sum, dot, apply, topological_order
    R(lambda: autograd.sum(x), TypeError, ["sum", "one Value"], id="sum-Value"),
    R(lambda: autograd.sum(3), TypeError, ["sum", "3"], id="sum-int"),
    R(lambda: autograd.sum([x, "a"]), TypeError, ["sum", "'a'"], id="sum-str-item"),
    R(lambda: autograd.sum([x, NAN]), ValueError, ["sum", "NaN"], id="sum-nan-item"),
    R(lambda: autograd.dot([x], [1.0, 2.0]), ValueError, ["dot", "1 and 2"], id="dot-lengths"),
    R(lambda: autograd.dot([x, x], []), ValueError, ["dot", "2 and 0"], id="dot-empty-ws"),
    R(lambda: autograd.dot(3, [x]), TypeError, ["dot", "3"], id="dot-int"),
    R(lambda: autograd.dot([x], ["w"]), TypeError, ["dot", "'w'"], id="dot-str-item"),
    R(lambda: autograd.dot([x], [NAN]), ValueError, ["dot", "NaN"], id="dot-nan-item"),
    R(lambda: autograd.apply("nope", x), ValueError, ["apply", "'nope'"], id="apply-unknown"),
    R(lambda: autograd.apply("add", x), TypeError, ["apply", "add", "1 argument"], id="apply-arity"),
    R(lambda: autograd.apply(3, x), TypeError, ["apply", "3"], id="apply-int"),
    R(lambda: autograd.apply("log", -x), ValueError, ["log", "-1.5"], id="apply-domain"),
    R(lambda: autograd.topological_order(3), TypeError, ["topological_order", "3"], id="topo-int"),
    # grad and gradcheck
    R(lambda: grad(3.0, [x]), TypeError, ["grad", "3.0"], id="grad-output-float"),
    R(lambda: grad(lambda v: v, [x]), TypeError, ["grad", "HIPS"], id="grad-HIPS-style"),
    R(lambda: grad(y, x), TypeError, ["grad", "[x]"], id="grad-single-input"),
    R(lambda: grad(y, 5), TypeError, ["grad", "5"], id="grad-inputs-int"),
    R(lambda: grad(y, [x, 2.0]), TypeError, ["grad", "inputs[1]", "2.0"], id="grad-input-float"),
    R(lambda: gradcheck(3, [1.0]), TypeError, ["gradcheck", "3"], id="gradcheck-f-int"),
    R(lambda: gradcheck(lambda v: 1.0, [1.0]), TypeError, ["gradcheck", "float"], id="gradcheck-f-float"),
    R(lambda: gradcheck(lambda v: v, []), ValueError, ["gradcheck", "empty"], id="gradcheck-empty"),
    R(lambda: gradcheck(lambda v: v, 3), TypeError, ["gradcheck", "3"], id="gradcheck-int"),
    R(lambda: gradcheck(lambda v: v, ["a"]), TypeError, ["gradcheck", "'a'"], id="gradcheck-str"),
    R(lambda: gradcheck(lambda v: v, [NAN]), ValueError, ["gradcheck", "NaN"], id="gradcheck-nan"),
    R(lambda: gradcheck(lambda v: v, [1.0], eps=0), ValueError, ["gradcheck", "eps", "0"],
      id="gradcheck-eps-0"),
    R(lambda: gradcheck(lambda v: v, [1.0], atol=-1), ValueError, ["gradcheck", "atol", "-1"],
      id="gradcheck-atol-neg"),
    # compile
    R(lambda: autograd.compile(3), TypeError, ["compile", "3"], id="compile-int"),
    R(lambda: _compiled(lambda a: a * 2)([1.0], [2.0]), TypeError, ["compile", "1 input", "2"],
      id="compile-nargs"),
    R(lambda: _compiled(lambda a: a * 2)([1.0, NAN]), ValueError, ["compile", "a[1]", "NaN"],
      id="compile-nan"),
    R(lambda: _compiled(lambda a: a * 2)(np.ones((2, 2))), ValueError, ["compile", "(2, 2)"],
      id="compile-2d"),
    R(lambda: _compiled(lambda a: a * 2)(["a"]), TypeError, ["compile", "'a'"], id="compile-str"),
    R(lambda: _compiled(lambda a, b: a * b)([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError,
      ["compile", "3 examples", "2"], id="compile-lengths"),
    R(lambda: _compiled(lambda a: a.log())([1.0, -1.0]), ValueError,
      ["log(-1.0)", "batch example 1"], id="compile-domain"),
    # pictures
    R(lambda: autograd.draw_dot(3), TypeError, ["draw_dot", "3"], id="draw_dot-int"),
    R(lambda: autograd.draw_dot(y, rankdir="XY"), ValueError, ["draw_dot", "'XY'"], id="draw_dot-rankdir"),
    R(lambda: autograd.draw_dot(y, max_nodes=0), ValueError, ["draw_dot", "max_nodes", "0"],
      id="draw_dot-max_nodes"),
    R(lambda: autograd.draw_dot(y, highlight=3), TypeError, ["draw_dot", "highlight", "3"],
      id="draw_dot-highlight-int"),
    R(lambda: autograd.draw_dot(y, highlight=Value(1.0)), ValueError, ["draw_dot", "not in"],
      id="draw_dot-highlight-foreign"),
    R(lambda: autograd.draw_dot(y, digits=0), ValueError, ["draw_dot", "digits", "0"],
      id="draw_dot-digits"),
    R(lambda: autograd.to_text("y"), TypeError, ["to_text", "'y'"], id="to_text-str"),
    R(lambda: autograd.to_text(y, max_indent=-1), ValueError, ["to_text", "-1"], id="to_text-indent"),
    R(lambda: autograd.backward_frames(3), TypeError, ["backward_frames", "3"], id="frames-int"),
    R(lambda: autograd.backward_frames(y, gradient=NAN), ValueError, ["backward_frames", "nan"],
      id="frames-nan"),
    R(lambda: autograd.render(3), TypeError, ["render", "3"], id="render-int"),
    R(lambda: autograd.find_renderer("nope"), ValueError, ["find_renderer", "'nope'"], id="renderer-name"),
    # nn constructors
    R(lambda: nn.Neuron(0), ValueError, ["Neuron", "nin", "0"], id="Neuron-0"),
    R(lambda: nn.Neuron("2"), ValueError, ["Neuron", "'2'"], id="Neuron-str"),
    R(lambda: nn.Neuron(2.0), ValueError, ["Neuron", "2.0"], id="Neuron-float"),
    R(lambda: nn.Neuron(2, activation="gelu"), ValueError, ["Neuron", "'gelu'"], id="Neuron-activation"),
    R(lambda: nn.Neuron(2, alpha=NAN), ValueError, ["Neuron", "alpha", "nan"], id="Neuron-alpha-nan"),
    R(lambda: nn.Neuron(2, rng="seed"), TypeError, ["Neuron", "'seed'"], id="Neuron-rng"),
    R(lambda: nn.Layer(2, 0), ValueError, ["Layer", "nout", "0"], id="Layer-0"),
    R(lambda: nn.MLP(2, []), ValueError, ["MLP", "[]"], id="MLP-empty"),
    R(lambda: nn.MLP(2, None), ValueError, ["MLP", "None"], id="MLP-None"),
    R(lambda: nn.MLP(2, [4, 0]), ValueError, ["MLP", "0"], id="MLP-zero-layer"),
    R(lambda: nn.MLP(2, [1.5]), ValueError, ["MLP", "1.5"], id="MLP-float-layer"),
    R(lambda: nn.MLP(True, [1]), ValueError, ["MLP", "True"], id="MLP-bool"),
    R(lambda: nn.MLP(2, [1], output_activation="softmax"), ValueError, ["MLP", "'softmax'"],
      id="MLP-output-activation"),
    R(lambda: nn.NumpyNeuron((0,)), ValueError, ["NumpyNeuron", "(0,)"], id="NumpyNeuron-0"),
    R(lambda: nn.NumpyNeuron("ab"), ValueError, ["NumpyNeuron", "'ab'"], id="NumpyNeuron-str"),
    R(lambda: nn.make_moons(1), ValueError, ["make_moons", "1"], id="moons-n"),
    R(lambda: nn.make_moons(10, noise=-0.1), ValueError, ["make_moons", "-0.1"], id="moons-noise"),
    R(lambda: nn.make_moons(10, rng="seed"), TypeError, ["make_moons", "'seed'"], id="moons-rng"),
    # calling a model: wrong lengths, NaN, wrong types, mismatched shapes
    R(lambda: model([1.0]), ValueError, [MLP_NAME, "expected 2 inputs, got 1"], id="model-short"),
    R(lambda: model([1.0, 2.0, 3.0]), ValueError, [MLP_NAME, "got 3"], id="model-long"),
    R(lambda: model([]), ValueError, [MLP_NAME, "got 0"], id="model-empty"),
    R(lambda: model([1.0, NAN]), ValueError, [MLP_NAME, "NaN"], id="model-nan"),
    R(lambda: model(np.array([1.0, np.nan])), ValueError, [MLP_NAME, "NaN"], id="model-np-nan"),
    R(lambda: model(["a", 1.0]), TypeError, [MLP_NAME, "'a'"], id="model-str"),
    R(lambda: model(3.0), TypeError, [MLP_NAME, "float"], id="model-float"),
    R(lambda: model([[1.0, 2.0], [3.0, 4.0]]), TypeError, [MLP_NAME, "[1.0, 2.0]"], id="model-2d"),
    R(lambda: model(np.ones((1, 2))), ValueError, [MLP_NAME, "got 1"], id="model-shape-1x2"),
    # losses
    R(lambda: nn.mse([], []), ValueError, ["mse", "empty"], id="mse-empty"),
    R(lambda: nn.mse([x], [1.0, 2.0]), ValueError, ["mse", "1 outputs", "2 targets"], id="mse-lengths"),
    R(lambda: nn.mse([x], [NAN]), TypeError, ["mse", "nan"], id="mse-nan-target"),
    R(lambda: nn.mse([NAN], [1.0]), TypeError, ["mse", "nan"], id="mse-nan-output"),
    R(lambda: nn.mse(["a"], [1.0]), TypeError, ["mse", "'a'"], id="mse-str-output"),
    R(lambda: nn.squared_error([x, w], [1.0]), ValueError, ["squared_error", "2 outputs"],
      id="squared_error-lengths"),
    R(lambda: nn.hinge([x], [0.0]), ValueError, ["hinge", "0.0"], id="hinge-label"),
    R(lambda: nn.binary_cross_entropy_with_logits([x], [2.0]), ValueError,
      ["binary_cross_entropy_with_logits", "2.0"], id="bce-target"),
    R(lambda: nn.cross_entropy([x, w], 2), ValueError, ["cross_entropy", "2"], id="ce-index"),
    R(lambda: nn.cross_entropy([], 0), ValueError, ["cross_entropy", "empty"], id="ce-empty"),
    # optimizers
    R(lambda: nn.SGD([], lr=0.1), ValueError, ["SGD", "empty"], id="SGD-empty"),
    R(lambda: nn.SGD(x, lr=0.1), TypeError, ["SGD", "one Value"], id="SGD-one-Value"),
    R(lambda: nn.SGD([1.0], lr=0.1), TypeError, ["SGD", "1.0"], id="SGD-float-param"),
    R(lambda: nn.SGD([x, x], lr=0.1), ValueError, ["SGD", "twice"], id="SGD-duplicate"),
    R(lambda: nn.SGD([x], lr=NAN), ValueError, ["SGD", "lr", "nan"], id="SGD-lr-nan"),
    R(lambda: nn.SGD([x], lr=-1.0), ValueError, ["SGD", "lr", "-1.0"], id="SGD-lr-negative"),
    R(lambda: nn.SGD([x], lr=0.1, momentum=-0.5), ValueError, ["SGD", "momentum", "-0.5"],
      id="SGD-momentum"),
    R(lambda: nn.Adam([x], betas=(1.5, 0.9)), ValueError, ["Adam", "1.5"], id="Adam-betas"),
    R(lambda: nn.Adam([x], lr=INF), ValueError, ["Adam", "inf"], id="Adam-lr-inf"),
    # model state and files: refused before anything changes
    R(lambda: model.load_state_dict([1.0]), TypeError, [MLP_NAME, "load_state_dict", "list"],
      id="load_state_dict-list"),
    R(lambda: model.load_state_dict({**model.state_dict(), "layers.9.w": 1.0}), ValueError,
      [MLP_NAME, "unexpected", "'layers.9.w'"], id="load_state_dict-extra"),
    R(lambda: model.load_state_dict(dict.fromkeys(list(model.state_dict())[1:], 0.0)), ValueError,
      [MLP_NAME, "missing"], id="load_state_dict-missing"),
    R(lambda: model.load_state_dict({**dict.fromkeys(model.state_dict(), 9.0), "layers.1.neurons.0.b": NAN}),
      ValueError, [MLP_NAME, "'layers.1.neurons.0.b'", "NaN"], id="load_state_dict-nan-last"),
    R(lambda: model.load_state_dict({**dict.fromkeys(model.state_dict(), 9.0),
                                     "layers.1.neurons.0.b": np.ones(2)}),
      ValueError, [MLP_NAME, "shape (2,)"], id="load_state_dict-array"),
    R(lambda: model.save(3), TypeError, ["save", "3"], id="save-path-int"),
    R(lambda: model.load(None), TypeError, ["load", "None"], id="load-path-None"),
    R(lambda: model.load("/nonexistent-folder/model.txt"), OSError, ["/nonexistent-folder/model.txt"],
      id="load-missing-file"),
    R(lambda: model.save("/nonexistent-folder/model.txt"), OSError, ["/nonexistent-folder/"],
      id="save-missing-folder"),
]
BAD_INPUT_CASES = len(ROWS)


@pytest.mark.parametrize("call, exc, fragments", ROWS)
def test_bad_input_gives_a_clear_error_and_changes_nothing(call, exc, fragments):
    before = snapshot()
    with pytest.raises(exc) as info:
        call()
    msg = str(info.value)
    for frag in fragments:
        assert frag in msg, f"message {msg!r} does not mention {frag!r}"
    assert snapshot() == before, "the failed call changed a Value, a parameter or a gradient"


@pytest.mark.parametrize("make_opt", [lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9),
                                      lambda ps: nn.Adam(ps, lr=0.1)], ids=["SGD", "Adam"])
@pytest.mark.parametrize("bad", [NAN, INF, -INF])
def test_a_step_with_one_bad_gradient_changes_no_parameter(make_opt, bad):
    m = nn.MLP(2, [3, 1], rng=1)
    opt = make_opt(m.parameters())
    m([0.5, -1.0]).backward()
    opt.step()                       # momentum / moment estimates now hold state
    m([0.5, -1.0]).backward()
    params = m.parameters()
    params[-1].grad = bad            # the last one: a half-done update would show
    before = [(p.data, p.grad) for p in params]
    with pytest.raises(ValueError, match=r"step: params\[\d+\]\.grad is") as info:
        opt.step()
    assert repr(bad) in str(info.value)
    assert [(p.data, p.grad) for p in params] == before
    params[-1].grad = 0.0
    opt.step()                       # and the optimizer still works afterwards


# --- files --------------------------------------------------------------------

@pytest.fixture
def saved(tmp_path):
    m = nn.MLP(2, [3, 1], rng=2)
    path = tmp_path / "model.txt"
    m.save(path)
    return m, path, path.read_bytes()


def _fresh():
    return nn.MLP(2, [3, 1], rng=3)


def _state(m):
    return [(p.data, p.grad) for p in m.parameters()]


def test_every_truncation_of_a_saved_file_is_refused(saved, tmp_path):
    _, _, data = saved
    target = _fresh()
    before = _state(target)
    cut_path = tmp_path / "cut.txt"
    for n in range(len(data)):
        cut_path.write_bytes(data[:n])
        with pytest.raises(nn.ModelFileError) as info:
            target.load(cut_path)
        assert "load(" in str(info.value) and "cut.txt" in str(info.value)
        assert _state(target) == before, f"a file truncated to {n} bytes changed the model"


def test_every_single_byte_corruption_is_refused(saved, tmp_path):
    _, _, data = saved
    target = _fresh()
    before = _state(target)
    bad_path = tmp_path / "bad.txt"
    for i in range(len(data)):
        for flip in (0x01, 0x20):
            corrupt = bytearray(data)
            corrupt[i] ^= flip
            bad_path.write_bytes(bytes(corrupt))
            with pytest.raises(nn.ModelFileError):
                target.load(bad_path)
            assert _state(target) == before, f"byte {i} ^ {flip:#x} changed the model"


def test_a_file_for_another_architecture_is_refused(saved, tmp_path):
    _, path, _ = saved
    other = nn.MLP(2, [4, 1], rng=0)
    before = _state(other)
    with pytest.raises(nn.ModelFileError, match=r"nouts=\[3, 1\].*nouts=\[4, 1\]"):
        other.load(path)
    assert _state(other) == before


def test_a_save_interrupted_midway_leaves_the_old_file_and_no_litter(saved, monkeypatch, tmp_path):
    m, path, old = saved
    m.parameters()[0].data += 1.0      # something new to save
    before = _state(m)

    class Boom(OSError):
        pass

    real_fdopen = os.fdopen

    def half_writer(fd, mode="r", *args, **kwargs):
        f = real_fdopen(fd, mode, *args, **kwargs)
        real_write = f.write

        def write(data):
            real_write(data[: len(data) // 2])       # half of it reaches the disk...
            raise Boom("disk full")                    # ...then the writer fails
        f.write = write
        return f

    monkeypatch.setattr(os, "fdopen", half_writer)
    with pytest.raises(Boom):
        m.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == old, "an interrupted save damaged the previous file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.txt"], "temporary file left behind"
    assert _state(m) == before
    m.save(path)                                       # and a later save works
    assert _fresh().load(path).state_dict() == m.state_dict()


def test_a_save_failing_at_the_final_rename_leaves_the_old_file(saved, monkeypatch, tmp_path):
    m, path, old = saved
    m.parameters()[0].data -= 1.0

    def no_replace(src, dst):
        raise PermissionError(f"cannot replace {dst}")

    monkeypatch.setattr(os, "replace", no_replace)
    with pytest.raises(PermissionError):
        m.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.txt"]


def test_save_load_round_trip_is_bit_exact_for_edge_floats(tmp_path):
    m = nn.Neuron(3, rng=0)
    values = [5e-324, -1e308, 0.1 + 0.2]
    m.load_state_dict({"w.0": values[0], "w.1": values[1], "w.2": values[2], "b": -0.0})
    path = tmp_path / "n.txt"
    m.save(path)
    back = nn.Neuron(3, rng=1).load(path)
    assert [p.data for p in back.parameters()] == values + [-0.0]
    assert math.copysign(1.0, back.parameters()[-1].data) == -1.0
