"""Saved models under fuzzing: any parameter values round-trip bit-exactly (from
the file as saved and from its CRLF copy), and any edit to a saved file or to
its CRLF copy is refused with the model left unchanged."""
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn

# Every float a parameter can hold: subnormals, ±0.0, ±1e308, ±inf (not NaN).
params = st.floats(allow_nan=False)
shapes = st.tuples(st.integers(1, 3), st.lists(st.integers(1, 3), min_size=1, max_size=3))


def _bits(m):
    return [struct.pack("<d", p.data) for p in m.parameters()]


@given(shapes, st.data())
def test_any_parameter_values_round_trip_bit_exactly(tmp_path_factory, shape, data):
    nin, nouts = shape
    m = nn.MLP(nin, nouts, rng=0)
    values = data.draw(st.lists(params, min_size=len(m.parameters()), max_size=len(m.parameters())))
    m.load_state_dict(dict(zip(m.state_dict(), values)))
    path = tmp_path_factory.mktemp("rt") / "m.txt"
    m.save(path)
    back = nn.MLP(nin, nouts, rng=1).load(path)
    assert _bits(back) == _bits(m)
    # a Windows or git autocrlf checkout of the file loads the same
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert _bits(nn.MLP(nin, nouts, rng=2).load(path)) == _bits(m)


edits = st.lists(st.tuples(st.sampled_from(["flip", "insert", "delete", "append"]),
                           st.floats(0.0, 1.0, exclude_max=True), st.integers(1, 255)),
                 min_size=1, max_size=3)


def _edit(data, ops):
    out = bytearray(data)
    for kind, where, byte in ops:
        i = int(where * len(out)) if out else 0
        if kind == "flip" and out:
            out[i] ^= byte
        elif kind == "insert":
            out.insert(i, byte)
        elif kind == "delete" and out:
            del out[i]
        elif kind == "append":              # after the crc32 line
            out.append(byte)
    return bytes(out)


@pytest.mark.parametrize("line_end", [b"\n", b"\r\n"], ids=["LF", "CRLF"])
@given(ops=edits)
def test_any_edit_to_a_saved_file_is_refused_and_changes_nothing(tmp_path_factory, line_end, ops):
    folder = tmp_path_factory.mktemp("edit")
    m = nn.MLP(2, [3, 1], rng=0)
    m.save(folder / "m.txt")
    data = (folder / "m.txt").read_bytes().replace(b"\n", line_end)
    edited = _edit(data, ops)
    (folder / "m.txt").write_bytes(edited)
    target = nn.MLP(2, [3, 1], rng=5)
    before = _bits(target)
    if edited == data:
        target.load(folder / "m.txt")
        assert _bits(target) == _bits(m)
        return
    with pytest.raises(nn.ModelFileError, match=r"load\(.*m\.txt'\)"):
        target.load(folder / "m.txt")
    assert _bits(target) == before
