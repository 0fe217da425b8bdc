"""The report as data: what editors write, the assembled report and its cross-checks.

Holds the content files' models (``content``), the assembled ``Report`` (``report``),
assembly from files to report (``assemble``), the checks over a whole report
(``checks``), prose with figure references (``prose``), Markdown (``markdown``),
numbering (``numbering``), the fixed words by kind of inspection (``words``), the
ledger's model (``ledger``) and a loaded ``Collection`` (``collection``).

No I/O: nothing here opens a file. May import only the ground floor (``errors``,
``messages``, ``workers``, ``progress``, ``_version``).
"""
