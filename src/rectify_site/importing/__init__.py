"""``rectify-site import``: the issuer's document -> one checked report folder.

The stages run one way, each a module::

    readers.py     .docx / .txt / .html -> numbered lines of text (+ a page's metadata)
    outline.py     lines -> issuer, title, inspection, numbered nodes, contact (tree.py)
    statistics.py  the figures a report states, declared once; prose refers to them
    writer.py      the tree -> report.yaml, figures.yaml, parts/*.yaml (the content format)
    command.py     the command: read, write, run ``check``, print what was found

``escaping.py`` makes a document's text show as typed (Markdown and Jinja escaped in
prose, undone for plain fields). ``words.py`` holds every report word the importer
recognises (and is the only module that does); ``text.py`` the helpers for numerals
and punctuation.
"""
