"""chaingrad's benchmark suite: every engine on the same work, in one run.

``python -m benchmarks`` times four workloads (an MLP training step, a deep
chain, a sum of products, the leaky-ReLU neuron of ``docs/neuron-gradient.md``)
on micrograd 0.1.0, chaingrad eager, chaingrad compiled and plain numpy,
prints a table of medians and ratios, and writes it to
``benchmarks/results.md`` (plus ``results.png`` when matplotlib is
installed).  ``--quick`` runs tiny sizes in seconds.
"""
