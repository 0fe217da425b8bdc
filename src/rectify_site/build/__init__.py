"""Building: the pipeline's stages, the cache, the output folder, compression, search.

``pipeline`` runs the stages of ``stages`` in order, load, derive, render, index and
write (``build_site``), and load, derive and render without writing (``check_site``);
``inputs`` says what a build is made from; ``cache`` remembers what earlier builds made
and ``notes`` what they said; ``output`` holds a build's files until they are written,
atomically and only inside the output folder; ``compress`` makes the .gz/.br copies;
``search`` runs Pagefind. May import ``check``, ``site``, ``load``, ``model`` and the
ground floor.
"""
