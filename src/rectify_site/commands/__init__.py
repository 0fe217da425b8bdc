"""The command line: ``cli`` parses and dispatches; ``export`` and ``pdf`` are commands.

The importer (``rectify_site.importing``) sits on this floor too. May import anything.
"""
