"""CSV cells that a spreadsheet would not run: formula injection neutralised as OWASP says.

Excel, LibreOffice and Google Sheets read a cell that starts with ``=``, ``+``, ``-`` or
``@`` (and, in some versions, a tab or a carriage return before one of those) as a
formula: ``=HYPERLINK("http://evil","x")`` in a status label would become a live link in
every copy of ``figures.csv`` that is opened. OWASP's recommendation
(https://owasp.org/www-community/attacks/CSV_Injection) is to prefix such a cell with a
single quote, which spreadsheets show as text; the csv module then quotes the cell as
needed. Only text cells go through here: numbers the site writes stay numbers.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP)."""


def neutralise(cell: str) -> str:
    """``cell`` as text a spreadsheet will not evaluate: a leading ``'`` where needed."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell
