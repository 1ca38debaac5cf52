"""Cells for CSV and XLSX files that a spreadsheet shows as text, never runs.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read as a formula by Excel and LibreOffice (CSV injection, OWASP). Any name a user
typed (a region, an organisation) can reach an export, so every text cell passes
through here.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral_text(value):
    """``value`` with a leading apostrophe when a spreadsheet would run it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutral_row(row):
    """A CSV row (a dict) whose text cells are all neutral."""
    return {key: neutral_text(value) for key, value in row.items()}


def xlsx_cell(sheet, value):
    """A write-only XLSX cell that holds text as text, never as a formula.

    openpyxl turns a string that begins with ``=`` into a formula, so the cell is
    typed as a string; the apostrophe also keeps it inert when the sheet is later
    saved as CSV.
    """
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=neutral_text(value))
    if isinstance(value, str):
        cell.data_type = "s"
    return cell
