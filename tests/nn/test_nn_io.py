"""save/load: bit-exact round trips, atomic writes, and every bad file refused
with the model left exactly as it was."""
import math
import os
import pickle
import re
import struct
import zlib
from fractions import Fraction

import numpy as np
import pytest

from nn import MLP, ModelFileError, Neuron
from nn.io import MAGIC


def bits(model):
    """Every parameter's exact bit pattern (so -0.0 and 0.0 differ)."""
    return [struct.pack("<d", p.data) for p in model.parameters()]


@pytest.fixture
def model():
    return MLP(3, [5, 4, 1], activation="relu", rng=11)


@pytest.fixture
def saved(model, tmp_path):
    path = tmp_path / "model.txt"
    model.save(path)
    return path


def test_round_trip_is_bit_exact(model, saved):
    other = MLP(3, [5, 4, 1], activation="relu", rng=12)
    assert bits(other) != bits(model)
    assert other.load(saved) is other
    assert bits(other) == bits(model)
    assert other([0.1, 0.2, 0.3]).data == model([0.1, 0.2, 0.3]).data


def test_round_trip_of_awkward_floats(tmp_path):
    n = Neuron(5, rng=0)
    awkward = [-0.0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, -math.inf, 1 / 3]
    n.load_state_dict(dict(zip(n.state_dict(), awkward)))
    n.save(tmp_path / "n.txt")
    m = Neuron(5, rng=1).load(tmp_path / "n.txt")
    assert bits(m) == bits(n)
    assert math.copysign(1.0, m.w[0].data) == -1.0


def test_the_file_is_the_documented_text(model, saved):
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0] == MAGIC == "chaingrad-nn-parameters 1"
    assert lines[1] == f"model {model!r}"
    assert lines[2] == f"count {len(model.parameters())}"
    names = [line.split(" ")[0] for line in lines[3:-1]]
    assert names == [k for k, _ in model.named_parameters()]
    assert [float(line.split(" ")[1]) for line in lines[3:-1]] == [p.data for p in model.parameters()]
    body = saved.read_bytes()[: saved.read_bytes().rindex(b"crc32 ")]
    assert lines[-1] == f"crc32 {zlib.crc32(body):08x}"


def assert_refused_unchanged(model, path, match):
    before = bits(model)
    with pytest.raises(ModelFileError, match=match):
        model.load(path)
    assert bits(model) == before


@pytest.mark.parametrize("keep", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_a_truncated_file_is_refused_and_the_model_unchanged(model, saved, keep):
    raw = saved.read_bytes()
    saved.write_bytes(raw[: int(len(raw) * keep)])
    target = MLP(3, [5, 4, 1], activation="relu", rng=12)
    assert_refused_unchanged(target, saved, "truncated|not a chaingrad")


def test_every_prefix_of_a_file_is_refused(tmp_path):
    n = Neuron(2, rng=0)
    path = tmp_path / "n.txt"
    n.save(path)
    raw = path.read_bytes()
    for cut in range(len(raw)):
        path.write_bytes(raw[:cut])
        assert_refused_unchanged(Neuron(2, rng=1), path, "truncated|not a chaingrad")


def rewrite(path, edit):
    """Apply edit to the body and recompute the checksum, as a careful forger would."""
    raw = path.read_bytes().decode("utf-8")
    body = raw[: raw.rindex("crc32 ")]
    body = edit(body)
    path.write_bytes(body.encode("utf-8") + f"crc32 {zlib.crc32(body.encode('utf-8')):08x}\n".encode())


def test_a_wrong_key_is_refused_and_the_model_unchanged(saved):
    rewrite(saved, lambda body: body.replace("layers.1.neurons.2.w.3 ", "layers.1.neurons.2.v.3 "))
    target = MLP(3, [5, 4, 1], activation="relu", rng=12)
    assert_refused_unchanged(target, saved, r"missing \['layers\.1\.neurons\.2\.w\.3'\].*"
                                            r"unexpected \['layers\.1\.neurons\.2\.v\.3'\]")


def test_an_edited_value_breaks_the_checksum(saved):
    text = saved.read_text()
    lines = text.split("\n")
    name, value = lines[5].split(" ")
    lines[5] = f"{name} {float(value) + 1.0!r}"
    saved.write_text("\n".join(lines))
    assert_refused_unchanged(MLP(3, [5, 4, 1], activation="relu", rng=12), saved, "crc32 checksum")


def test_a_single_flipped_bit_is_refused(saved):
    raw = bytearray(saved.read_bytes())
    raw[len(raw) // 2] ^= 0x04
    saved.write_bytes(bytes(raw))
    assert_refused_unchanged(MLP(3, [5, 4, 1], activation="relu", rng=12), saved, "corrupt|truncated")


def test_a_file_for_another_architecture_is_refused(saved):
    other = MLP(3, [5, 4, 1], activation="tanh", rng=12)
    assert_refused_unchanged(other, saved, r"holds MLP\(.*'relu'.*this model is MLP\(.*'tanh'")
    assert_refused_unchanged(MLP(3, [5, 1], activation="relu", rng=12), saved, "holds MLP")


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n\x00\x00", pickle.dumps({"w.0": 1.0}),
                                     b"chaingrad-nn-parameters 2\n", "ünïcode\n".encode()])
def test_foreign_files_are_refused(tmp_path, content):
    path = tmp_path / "foreign"
    path.write_bytes(content)
    assert_refused_unchanged(Neuron(2, rng=0), path, "not a chaingrad parameter file")


@pytest.mark.parametrize("edit,match", [
    (lambda b: b.replace("count 3", "count 4"), "says 4 parameters but holds 3"),
    (lambda b: b.replace("count 3", "count x"), "malformed count"),
    (lambda b: b.replace("w.1 ", "w.1  "), "expected 'name value'"),
    (lambda b: re.sub(r"\nb \S+", "\nb nan", b), "'b' is NaN"),
    (lambda b: b.replace("\nw.1 ", "\nw.0 "), "appears twice"),
    (lambda b: b.replace("\nb ", "\nb x"), r"parameter 'b' is 'x\S+', not a number"),
])
def test_malformed_but_checksummed_files_are_refused(tmp_path, edit, match):
    n = Neuron(2, rng=0)
    path = tmp_path / "n.txt"
    n.save(path)
    rewrite(path, edit)
    assert_refused_unchanged(Neuron(2, rng=1), path, match)


def test_a_missing_file_is_the_usual_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        Neuron(2, rng=0).load(tmp_path / "absent.txt")


def test_bad_path_types_are_refused(tmp_path):
    with pytest.raises(TypeError, match="path"):
        Neuron(2, rng=0).save(3)


def crash_in(monkeypatch, name):
    def boom(*a, **k):
        raise OSError(f"simulated crash in os.{name}")
    monkeypatch.setattr(os, name, boom)


@pytest.mark.parametrize("where", ["fsync", "replace"])
def test_a_crash_mid_save_leaves_the_old_file_whole(model, saved, monkeypatch, where):
    old = saved.read_bytes()
    newer = MLP(3, [5, 4, 1], activation="relu", rng=99)
    crash_in(monkeypatch, where)
    with pytest.raises(OSError, match="simulated crash"):
        newer.save(saved)
    monkeypatch.undo()
    assert saved.read_bytes() == old
    assert os.listdir(saved.parent) == ["model.txt"]     # the temporary file is gone
    MLP(3, [5, 4, 1], activation="relu", rng=12).load(saved)


def test_save_replaces_an_existing_file(model, saved):
    newer = MLP(3, [5, 4, 1], activation="relu", rng=99)
    newer.save(saved)
    assert bits(MLP(3, [5, 4, 1], activation="relu", rng=12).load(saved)) == bits(newer)


# --- load_state_dict, the in-memory half ------------------------------------

def test_state_dict_round_trip():
    a, b = MLP(2, [3, 1], rng=0), MLP(2, [3, 1], rng=1)
    b.load_state_dict(a.state_dict())
    assert bits(a) == bits(b)


@pytest.mark.parametrize("change,err,match", [
    (lambda s: s.pop("b"), ValueError, r"missing \['b'\]"),
    (lambda s: s.update({"c": 1.0}), ValueError, r"unexpected \['c'\]"),
    (lambda s: s.update({"w.0": np.array([1.0, 2.0])}), ValueError, r"'w.0' has shape \(2,\)"),
    (lambda s: s.update({"w.0": [1.0, 2.0]}), ValueError, r"'w.0' is a list of length 2"),
    (lambda s: s.update({"w.1": "1.0"}), TypeError, "'w.1' must be a real number"),
    (lambda s: s.update({"w.1": True}), TypeError, "'w.1' must be a real number"),
    (lambda s: s.update({"b": math.nan}), ValueError, "'b' is NaN"),
])
def test_bad_state_dicts_are_refused_and_nothing_changes(change, err, match):
    n = Neuron(2, rng=0)
    state = {"w.0": 5.0, "w.1": 6.0, "b": 7.0}
    change(state)
    before = bits(n)
    with pytest.raises(err, match=match):
        n.load_state_dict(state)
    assert bits(n) == before


def test_state_dict_accepts_numpy_scalars_and_0d_arrays():
    n = Neuron(2, rng=0)
    n.load_state_dict({"w.0": np.float32(0.5), "w.1": np.array(2.0), "b": 3})
    assert [p.data for p in n.parameters()] == [0.5, 2.0, 3.0]


def test_load_state_dict_needs_a_mapping():
    with pytest.raises(TypeError, match="dict"):
        Neuron(2, rng=0).load_state_dict([1.0, 2.0, 3.0])


# --- line ends, trailing bytes, numbers beyond a float (issue 13, items 11, 12)

def test_a_crlf_copy_loads_bit_exactly(model, saved):
    # What a Windows or git autocrlf checkout makes of a saved model.
    saved.write_bytes(saved.read_bytes().replace(b"\n", b"\r\n"))
    other = MLP(3, [5, 4, 1], activation="relu", rng=12)
    assert bits(other.load(saved)) == bits(model)


def test_the_checksum_is_over_the_lf_text(saved):
    raw = saved.read_bytes()
    body = raw[: raw.rindex(b"crc32 ")]
    assert b"\r" not in raw
    assert raw.endswith(f"crc32 {zlib.crc32(body):08x}\n".encode())


@pytest.mark.parametrize("which", [0, 3, -1])
def test_mixed_line_ends_are_refused(model, saved, which):
    lines = saved.read_bytes().split(b"\n")[:-1]
    crlf = [line + b"\r\n" for line in lines]
    crlf[which] = lines[which] + b"\n"                  # one line left with LF
    saved.write_bytes(b"".join(crlf))
    assert_refused_unchanged(MLP(3, [5, 4, 1], activation="relu", rng=12), saved,
                             r"mixed line ends \(\d+ of \d+ lines end in CRLF")


@pytest.mark.parametrize("extra", [b"\n", b"\n\n", b"  \n", b"\t\n", b"\r\n", b"junk\n", b"\x00",
                                   b"crc32 00000000\n"])
def test_bytes_after_the_crc32_line_are_refused(model, saved, extra):
    saved.write_bytes(saved.read_bytes() + extra)
    assert_refused_unchanged(MLP(3, [5, 4, 1], activation="relu", rng=12), saved,
                             "after the closing crc32 line|corrupt|truncated")


@pytest.mark.parametrize("extra", [b"\n", b"  \n", b"x"])
def test_bytes_after_the_crc32_line_are_named(model, saved, extra):
    saved.write_bytes(saved.read_bytes() + extra)
    assert_refused_unchanged(MLP(3, [5, 4, 1], activation="relu", rng=12), saved,
                             rf"{len(extra)} byte\(s\) after the closing crc32 line")


def test_a_space_inside_the_crc32_line_is_refused(saved):
    saved.write_bytes(saved.read_bytes()[:-1] + b" \n")
    assert_refused_unchanged(MLP(3, [5, 4, 1], activation="relu", rng=12), saved, "corrupt")


def test_a_byte_order_mark_is_named(saved):
    saved.write_bytes(b"\xef\xbb\xbf" + saved.read_bytes())
    assert_refused_unchanged(MLP(3, [5, 4, 1], activation="relu", rng=12), saved, "byte-order mark")


@pytest.mark.parametrize("text,shown", [("1e400", "'1e400'"), ("-1e999", "'-1e999'"),
                                        ("1" + "0" * 400, r"'1000000000000000000000000000\.\.\.00000000' "
                                                          r"\(401 characters\)")],
                         ids=["1e400", "-1e999", "401-digit-int"])
def test_a_number_beyond_a_float_in_a_file_is_refused(tmp_path, text, shown):
    # float(text) would silently read it as inf: a value the file does not hold
    path = tmp_path / "n.txt"
    Neuron(2, rng=0).save(path)
    rewrite(path, lambda body: re.sub(r"\nw\.1 \S+", f"\nw.1 {text}", body))
    assert_refused_unchanged(Neuron(2, rng=1), path,
                             rf"line 5: parameter 'w\.1' is {shown}, too large for a float")


def test_infinities_written_by_save_still_load(tmp_path):
    n = Neuron(2, rng=0)
    n.load_state_dict({"w.0": math.inf, "w.1": -math.inf, "b": 0.0})
    n.save(tmp_path / "n.txt")
    assert Neuron(2, rng=1).load(tmp_path / "n.txt").state_dict() == n.state_dict()


@pytest.mark.parametrize("value,shown", [
    (10 ** 400, r"about 1e\+400 \(an int of 401 digits\)"),
    (-10 ** 5000, r"about -1e\+5000 \(an int of 5001 digits\)"),     # too long for repr(int)
    (Fraction(10 ** 400, 3), r"about 3\.33e\+399 \(a Fraction\)"),
], ids=["int", "huge-negative-int", "Fraction"])
def test_a_number_beyond_a_float_in_a_state_dict_is_named(value, shown):
    n = Neuron(2, rng=0)
    before = bits(n)
    match = rf"load_state_dict: entry 'w\.0' is {shown}, too large for a float"
    with pytest.raises(ValueError, match=match) as info:
        n.load_state_dict({"w.0": value, "w.1": 1.0, "b": 0.0})
    assert len(str(info.value)) < 200
    assert bits(n) == before


def test_a_long_double_beyond_a_float_is_refused_and_its_infinity_accepted():
    n = Neuron(2, rng=0)
    n.load_state_dict({"w.0": np.longdouble("inf"), "w.1": -np.inf, "b": np.float32("inf")})
    assert n.state_dict() == {"w.0": math.inf, "w.1": -math.inf, "b": math.inf}
    big = np.longdouble(10.0) ** 400
    if np.isinf(big):               # a platform whose long double is a double: big is inf
        return
    with pytest.raises(ValueError, match=r"entry 'w\.0' is np\.longdouble\('1e\+400'\), too large"):
        n.load_state_dict({"w.0": big, "w.1": 1.0, "b": 0.0})


def test_bytes_paths_work_for_save_and_load(model, tmp_path):
    path = os.fsencode(tmp_path / "model.txt")
    model.save(path)
    assert bits(MLP(3, [5, 4, 1], activation="relu", rng=12).load(path)) == bits(model)


def test_save_into_a_missing_folder_names_the_folder_not_a_temporary_file(model, tmp_path):
    target = tmp_path / "no-such-folder" / "model.txt"
    with pytest.raises(FileNotFoundError, match=r"no-such-folder' does not exist; create it first"):
        model.save(target)
    assert not (tmp_path / "no-such-folder").exists()


# --- issue 19: what save writes over, what it cannot carry, canonical numbers ---

def test_save_through_a_symlink_writes_its_target_and_keeps_the_link(model, tmp_path):
    target = tmp_path / "real.txt"
    Neuron(2, rng=0).save(target)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    model.save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert bits(MLP(3, [5, 4, 1], activation="relu", rng=12).load(target)) == bits(model)
    assert sorted(os.listdir(tmp_path)) == ["link.txt", "real.txt"]      # no temporary file left


def test_save_through_a_dangling_symlink_creates_its_target(model, tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "new.txt")
    model.save(link)
    assert link.is_symlink() and (tmp_path / "new.txt").is_file()
    assert bits(MLP(3, [5, 4, 1], activation="relu", rng=12).load(link)) == bits(model)


def _fifo(path):
    if not hasattr(os, "mkfifo"):
        pytest.fail("this platform has no os.mkfifo; the refusal cannot be checked here")
    os.mkfifo(path)
    return path


def _socket(path):
    import socket
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    sock.close()                  # the socket file stays in the folder
    return path


@pytest.mark.parametrize("make,kind", [
    (lambda p: _fifo(p), "a FIFO"),
    (lambda p: p.mkdir(), "a directory"),
    (lambda p: _socket(p), "a socket"),
], ids=["fifo", "directory", "socket"])
@pytest.mark.parametrize("via_link", [False, True], ids=["direct", "symlink"])
def test_save_refuses_to_replace_what_is_not_a_regular_file(model, tmp_path, make, kind, via_link):
    import stat
    thing = tmp_path / "thing"
    make(thing)
    path = thing
    if via_link:
        path = tmp_path / "link"
        path.symlink_to(thing)
    mode = os.lstat(thing).st_mode
    with pytest.raises(ValueError, match=rf"save\('.*{path.name}'\): .*is {kind}, not a regular file"):
        model.save(path)
    assert os.lstat(thing).st_mode == mode                      # still a FIFO / a directory
    assert stat.S_ISLNK(os.lstat(path).st_mode) == via_link
    assert sorted(os.listdir(tmp_path)) == sorted({"thing", path.name})


def test_save_keeps_the_permissions_of_the_file_it_replaces(model, saved):
    os.chmod(saved, 0o600)
    model.save(saved)
    assert os.stat(saved).st_mode & 0o777 == 0o600


class Custom(Neuron):
    """A user's module with its own parameter names and description."""

    def __init__(self, names, description="Custom()"):
        super().__init__(len(names) - 1, rng=0)
        self._names, self._description = names, description

    def _own_parameters(self):
        return list(zip(self._names, self._wb))

    def _describe(self):
        return self._description


@pytest.mark.parametrize("names,description,match", [
    (["w 0", "b"], "Custom()", r"parameter name 'w 0' contains a space"),
    (["w\n0", "b"], "Custom()", r"parameter name 'w\\n0' contains a line break"),
    (["w\r", "b"], "Custom()", r"parameter name 'w\\r' contains a line break"),
    (["w\udc80", "b"], "Custom()", r"parameter name 'w\\udc80' is not valid UTF-8 text"),
    (["w", "w"], "Custom()", r"parameter name 'w' appears twice"),
    (["w", "b"], "Custom(\nsize=2)", r"model description 'Custom\(\\nsize=2\)' contains a line break"),
    (["w", "b"], "Custom(\x85)", None),                     # not a line break for the format: fine
])
def test_what_the_file_cannot_carry_is_refused_at_save_naming_it(tmp_path, names, description, match):
    m = Custom(names, description)
    path = tmp_path / "m.txt"
    if match is None:
        m.save(path)
        assert bits(Custom(names, description).load(path)) == bits(m)
        return
    with pytest.raises(ValueError, match=rf"^save\('.*m\.txt'\): {match}") as info:
        m.save(path)
    assert "cannot" in str(info.value)
    assert not path.exists() and os.listdir(tmp_path) == []


@pytest.mark.parametrize("data,match", [
    (math.nan, r"parameter 'w\.1' is NaN"),
    ("0.5", r"parameter 'w\.1' must be a real number, got str"),
])
def test_a_parameter_the_file_cannot_hold_is_refused_at_save(tmp_path, data, match):
    n = Neuron(2, rng=0)
    n.w[1].data = data
    with pytest.raises((ValueError, TypeError), match=rf"^save\('.*n\.txt'\): {match}"):
        n.save(tmp_path / "n.txt")
    assert os.listdir(tmp_path) == []


def test_numpy_scalars_in_data_are_saved_as_floats(tmp_path):
    n = Neuron(2, rng=0)
    n.w[0].data, n.w[1].data, n.b.data = np.float32(0.5), np.float64(0.25), 3
    n.save(tmp_path / "n.txt")
    assert (tmp_path / "n.txt").read_text().splitlines()[3:6] == ["w.0 0.5", "w.1 0.25", "b 3.0"]


@pytest.mark.parametrize("text", ["+0.5", "1_0.5", "\u0661.\u0665", "0.50", "5e-1", ".5", "0.5e0",
                                  "Infinity", "INF", "+inf", "-0", "1E+22", "0x1p-1"])
def test_a_number_not_written_as_save_writes_it_is_refused(tmp_path, text):
    # float() reads each of these (or refuses it); none is repr of a float, so
    # save never wrote it: the file was made or edited by something else.
    path = tmp_path / "n.txt"
    Neuron(2, rng=0).save(path)
    rewrite(path, lambda body: re.sub(r"\nw\.1 \S+", f"\nw.1 {text}", body))
    assert_refused_unchanged(Neuron(2, rng=1), path, r"line 5: parameter 'w\.1'")


def test_a_number_below_the_float_range_is_refused_not_read_as_zero(tmp_path):
    path = tmp_path / "n.txt"
    Neuron(2, rng=0).save(path)
    rewrite(path, lambda body: re.sub(r"\nw\.1 \S+", "\nw.1 1e-400", body))
    assert_refused_unchanged(Neuron(2, rng=1), path,
                             r"line 5: parameter 'w\.1' is '1e-400', too small for a float .*0\.0")


@pytest.mark.parametrize("count", ["+3", "03", "3_0", "\u0663", " 3"])
def test_a_count_not_written_as_save_writes_it_is_refused(tmp_path, count):
    path = tmp_path / "n.txt"
    Neuron(2, rng=0).save(path)
    rewrite(path, lambda body: body.replace("count 3", f"count {count}"))
    assert_refused_unchanged(Neuron(2, rng=1), path, "malformed count line")


@pytest.mark.parametrize("value", [2, -7, 0, 2 ** 53])
def test_an_integer_written_by_an_earlier_save_still_loads(tmp_path, value):
    # Before floats were enforced, `w.data = 2` saved as 'w.0 2'; exact ints stay readable.
    path = tmp_path / "n.txt"
    Neuron(2, rng=0).save(path)
    rewrite(path, lambda body: re.sub(r"\nw\.1 \S+", f"\nw.1 {value}", body))
    assert Neuron(2, rng=1).load(path).w[1].data == float(value)
