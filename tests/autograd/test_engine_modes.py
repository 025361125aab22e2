"""no_grad: nothing recorded inside, nestable, and local to a thread or task."""
import asyncio
import threading

import autograd
from autograd import Value, no_grad


def test_no_grad_records_nothing_and_restores():
    x = Value(2.0)
    with no_grad():
        y = x * x + 1
        assert y.is_leaf() and y.parents == () and y.data == 5.0
        assert not autograd.is_grad_enabled()
    assert autograd.is_grad_enabled()
    assert (x * x).op == "mul"


def test_no_grad_nests_and_enable_grad_reenables():
    x = Value(1.0)
    with no_grad():
        with no_grad():
            assert (x + 1).is_leaf()
        assert (x + 1).is_leaf()
        with autograd.enable_grad():
            assert (x + 1).op == "add"
        assert (x + 1).is_leaf()
    assert (x + 1).op == "add"


def test_no_grad_restored_after_an_exception():
    try:
        with no_grad():
            Value(-1.0).log()
    except ValueError:
        pass
    assert autograd.is_grad_enabled()


def test_grad_with_create_graph_records_even_inside_no_grad():
    x = Value(3.0)
    y = x ** 3
    with no_grad():
        (d,) = autograd.grad(y, [x], create_graph=True)
    assert autograd.grad(d, [x]) == (18.0,)


def test_no_grad_in_one_thread_does_not_leak_into_another():
    inside = threading.Event()
    checked = threading.Event()
    seen = {}

    def quiet():
        with no_grad():
            inside.set()
            checked.wait(5)
            seen["quiet"] = (Value(1.0) * 2).is_leaf()

    def loud():
        inside.wait(5)
        seen["loud"] = (Value(1.0) * 2).op
        checked.set()

    threads = [threading.Thread(target=quiet), threading.Thread(target=loud)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"quiet": True, "loud": "mul"}


def test_no_grad_in_one_asyncio_task_does_not_leak_into_another():
    async def quiet(ev_in, ev_done):
        with no_grad():
            ev_in.set()
            await ev_done.wait()
            return (Value(1.0) * 2).is_leaf()

    async def loud(ev_in, ev_done):
        await ev_in.wait()
        op = (Value(1.0) * 2).op
        ev_done.set()
        return op

    async def main():
        ev_in, ev_done = asyncio.Event(), asyncio.Event()
        return await asyncio.gather(quiet(ev_in, ev_done), loud(ev_in, ev_done))

    assert asyncio.run(main()) == [True, "mul"]


def test_independent_graphs_in_parallel_threads():
    results = {}

    def work(k):
        x = Value(float(k))
        v = x
        for _ in range(2000):
            v = (v * 0.999).tanh() + x * 0.001
        (g,) = autograd.grad(v, [x])
        v.backward()
        results[k] = (g, x.grad)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(1, 5):
        g, bg = results[k]
        x = Value(float(k))
        v = x
        for _ in range(2000):
            v = (v * 0.999).tanh() + x * 0.001
        v.backward()
        assert g == bg == x.grad
