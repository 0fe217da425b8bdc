"""The command line: ``cli`` runs it; ``parser`` is the command tree, made of the options
that ``options`` declares once and of argparse in the chosen language (``localised``);
``publishing`` (build, check, serve), ``authoring`` (new, ledger template, schema),
``documents`` (import, export, pdf) and ``completion`` run the commands; ``export`` and
``pdf`` write the documents.

The importer (``rectify_site.importing``) sits on this floor too. May import anything.
"""
