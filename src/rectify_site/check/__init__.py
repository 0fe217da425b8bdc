"""Checks of what would be published: links, HTML validity, typography, provenance.

``links`` resolves every internal link and anchor; ``html`` runs the Nu HTML Checker;
``typography`` lints Chinese punctuation; ``provenance`` traces a finding on a page back
to the content line; ``formats`` prints diagnostics as text, JSON or GitHub commands.
May import ``site``, ``load``, ``model`` and the ground floor.
"""
