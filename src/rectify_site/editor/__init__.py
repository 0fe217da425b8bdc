"""What helps editors write content: the JSON Schemas, the field reference, skeletons.

``schema`` writes the schemas (and the YAML modeline that points editors at them), whose
titles, descriptions and examples are the content models' ``Field(...)`` (model/content.py,
the one source of field help); ``field_reference`` writes the same help as
``docs/fields.md``; ``scaffold`` writes ``new site`` and ``new report``.
May import ``build`` and everything below it.
"""
