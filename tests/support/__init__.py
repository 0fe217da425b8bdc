"""What many tests share and none owns: synthetic data and small helpers.

``generate`` writes synthetic collections of reports and ``ledger_data`` synthetic ledgers
(both labelled synthetic in every file; benchmarks/ imports them from here, so the data the
tests check is the data the benchmarks time); ``trees`` reads a folder into bytes by path.
Nothing here imports a test module, and every name in it is documented where it is defined.
"""
