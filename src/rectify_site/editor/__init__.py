"""What helps editors write content: the JSON Schemas with their field help, skeletons.

``schema`` writes the schemas (and the YAML modeline that points editors at them);
``fielddocs`` holds the field help; ``scaffold`` writes ``new site`` and ``new report``.
May import ``build`` and everything below it.
"""
