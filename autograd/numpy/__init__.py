"""Not part of chaingrad: a signpost for code written for HIPS autograd."""
raise ImportError(
    "autograd.numpy belongs to HIPS autograd (PyPI 'autograd'), but the 'autograd' "
    "installed here is chaingrad's: both use the import name. Run HIPS autograd code "
    "in a separate virtual environment (python -m venv); see chaingrad's README, "
    "'Name clash with HIPS autograd'.")
