"""Reading content from disk: YAML with line marks, the ledger's xlsx, the collection.

``sources`` parses YAML keeping every value's line and column; ``xlsx`` reads a ledger
into the model's ``Ledger`` with Excel's rows and columns; ``placeholders`` finds the
skeleton's 【未填写】 marks; ``collection`` walks ``content/`` and turns its folders into
validated reports. May import ``model`` and the ground floor.
"""
