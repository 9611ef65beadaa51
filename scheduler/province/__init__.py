"""A province: many counties, each drawn and scheduled on its own.

Counties never share inspectors, so a province is K independent county
rounds.  ``counties`` finds them in a province folder; ``task`` is one
county's work as plain, picklable data (:class:`CountyTask` in,
:class:`CountyResult` out) run through the ordinary use cases; ``serial`` runs
the tasks one after another in this process and ``cluster`` on Dask
distributed, both yielding results as they finish; ``summary`` totals them.
The use case that writes the output folder is :mod:`scheduler.app.province`.
"""
