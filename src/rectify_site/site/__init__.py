"""The public site derived from the model: pages, URLs, rendering and the data files.

``pages`` lists every page with what it shows; ``urls`` names them; ``render`` is the
Jinja environment; ``themes`` finds the templates; ``figure_views`` and ``ledger_pages``
shape figures and ledgers for templates; ``opendata``, ``crawlers``, ``feed`` and
``ledger_downloads`` make the files that are not pages; ``shards`` says which search
shard a report's pages belong to. Nothing here writes to disk. May import ``model``,
``load`` (types only) and the ground floor.
"""
