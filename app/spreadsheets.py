"""What every spreadsheet download shares: the CSV delimiter a locale's Excel expects, and
neutralising cells a spreadsheet would run as formulas (CSV injection)."""

# Excel in Norway and Sweden splits cells at ";" (the comma is the decimal sign there).
DELIMITERS = {"nb": ";", "sv": ";", "en": ","}
DECIMAL_SIGNS = {"nb": ",", "sv": ",", "en": "."}
# A cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell's text, with a leading ' when it would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
