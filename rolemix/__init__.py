"""rolemix: the optimal role mix of a restructuring sales organisation, from an Excel workbook."""

__version__ = "0.1.0"
