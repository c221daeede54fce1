"""Renderers of the table model (``mktsim.report.tables.model.Table``): Rich for the
terminal, Markdown, HTML; the Excel sheet writer is ``mktsim.report.excel.write_table``."""
