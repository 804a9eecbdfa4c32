"""``snnkit bench``: the standard networks (models/), timed on every snnkit
backend and device and on the installed peer simulators (peers/) in one run,
each result checked against the model's published behaviour; JSON, Markdown
and PNG under benchmarks/results/ (report.py). Lives in the package, not in
benchmarks/, so that the command works from an installed wheel."""
