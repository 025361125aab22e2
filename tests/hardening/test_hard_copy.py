"""Copies behave as the original (issue 19, defect 1): ``copy.deepcopy`` and a
``pickle`` round trip of random ``nn`` models and of random graphs of Values.

On the copy, ``backward``, ``grad``, ``autograd.compile``, the pictures
(``to_text``, ``draw_dot``), ``nn`` save and a few SGD steps must give the
same numbers, bit for bit, as on the original: the original is the truth.
Models are copied fresh and after a backward (so ``.grad`` travels too);
graphs are the hardening suite's random DAGs over every primitive.
"""
import copy
import pickle
import struct

import numpy as np
from hard_dags import programs
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import grad, topological_order

COPIES = (copy.deepcopy, lambda obj: pickle.loads(pickle.dumps(obj)))


def bits(xs):
    return [struct.pack("<d", float(x)) for x in xs]


# -- models ------------------------------------------------------------------------------

@st.composite
def models(draw):
    nin = draw(st.integers(1, 3))
    nouts = draw(st.lists(st.integers(1, 4), min_size=0, max_size=2)) + [1]
    activation = draw(st.sampled_from(nn.ACTIVATIONS))
    model = nn.MLP(nin, nouts, activation=activation, rng=draw(st.integers(0, 2 ** 16)))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    X = rng.uniform(-2.0, 2.0, (5, nin)).tolist()
    Y = rng.uniform(-1.0, 1.0, 5).tolist()
    return model, X, Y, draw(st.booleans())


def _loss(model, X, Y):
    return nn.mse([model(x) for x in X], Y)


def _everything(model, X, Y, tmp):
    """Every number the engine and nn give for ``model`` on (X, Y), in order."""
    params = model.parameters()
    out = {}
    loss = _loss(model, X, Y)
    out["loss"] = bits([loss.data])
    out["grad"] = bits(grad(loss, params))
    out["text"] = autograd.to_text(loss)
    out["dot"] = autograd.draw_dot(model(X[0])).source
    before = [p.grad for p in params]
    loss.backward()
    out["backward"] = bits([p.grad - g for p, g in zip(params, before)])
    nin = len(X[0])
    f = autograd.compile(lambda *a: (model(list(a[:nin])) - a[nin]) ** 2, nargs=nin + 1)
    cols = [np.array(c) for c in zip(*X)] + [np.array(Y)]
    values, input_grads = f.value_and_grad(*cols)
    out["compiled"] = bits(values) + bits(np.concatenate(input_grads)) + bits(p.grad for p in params)
    path = tmp / "model.txt"
    model.save(str(path))
    out["saved"] = path.read_bytes()
    opt = nn.SGD(params, lr=0.05, momentum=0.5)
    for _ in range(3):
        opt.zero_grad()
        _loss(model, X, Y).backward()
        opt.step()
    out["trained"] = bits(p.data for p in params)
    return out


@settings(max_examples=100)
@given(models())
def test_a_copied_model_gives_the_originals_numbers_everywhere(tmp_path_factory, case):
    model, X, Y, after_backward = case
    if after_backward:
        _loss(model, X, Y).backward()          # the copy must carry .grad along
    copies = [make(model) for make in COPIES]
    want = _everything(model, X, Y, tmp_path_factory.mktemp("original"))
    for c in copies:
        assert not set(map(id, c.parameters())) & set(map(id, model.parameters()))
        got = _everything(c, X, Y, tmp_path_factory.mktemp("copy"))
        for key in want:
            assert got[key] == want[key], key


# -- graphs of Values ----------------------------------------------------------------------

def _graph_numbers(out, leaves):
    order = topological_order(out)
    numbers = {"data": bits(v.data for v in order), "ops": [v.op for v in order],
               "grad": bits(grad(out, leaves)), "text": autograd.to_text(out),
               "dot": autograd.draw_dot(out).source}
    out.backward()
    numbers["backward"] = bits(v.grad for v in order)
    return numbers


@settings(max_examples=100)
@given(programs(max_ops=15))
def test_a_copied_graph_gives_the_originals_numbers_everywhere(program):
    leaves = [autograd.Value(p, label=f"x{i}") for i, p in enumerate(program.point)]
    out = program(*leaves)
    copies = [make((out, leaves)) for make in COPIES]   # copied with its leaves: one graph
    want = _graph_numbers(out, leaves)
    # compile a function that captures the leaves: the copy's leaves are parameters too
    # (t = 1 keeps the program at its drawn point, inside every op's domain)
    def compiled(ls):
        f = autograd.compile(lambda t: program(*[leaf * t for leaf in ls]))
        values, (dt,) = f.value_and_grad(np.array([1.0, 1.0]))
        return bits(values) + bits(dt) + bits(leaf.grad for leaf in ls)
    want_compiled = compiled(leaves)
    for c_out, c_leaves in copies:
        assert _graph_numbers(c_out, c_leaves) == want
        assert compiled(c_leaves) == want_compiled
