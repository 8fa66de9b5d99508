"""Renderers for :class:`~stancematrix.MatrixDiff`: text, Markdown, CSV and HTML."""
