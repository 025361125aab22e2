"""chaingrad's neural-network library, built on ``autograd.Value``."""
import autograd as _autograd

if not getattr(_autograd, "__chaingrad__", False):
    raise ImportError(
        f"'import autograd' found {getattr(_autograd, '__file__', '?')}, which is not "
        "chaingrad's engine (HIPS autograd, PyPI 'autograd', uses the same import name). "
        "Install chaingrad in its own virtual environment: python -m venv .venv && "
        ". .venv/bin/activate && pip install chaingrad")
