"""Building: the pipeline's stages, the cache, the output folder, compression, search.

``pipeline`` runs load, derive, render, index and write (``build_site``) and the same
without writing (``check_site``); ``cache`` remembers what earlier builds made;
``output`` writes atomically and only inside the output folder; ``compress`` makes the
.gz/.br copies; ``search`` runs Pagefind. May import ``check``, ``site``, ``load``,
``model`` and the ground floor.
"""
