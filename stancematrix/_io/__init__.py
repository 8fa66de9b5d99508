"""Reading and writing: the format registry, the formats, and what they share.

Nothing is imported here: the modules of this package are loaded when used, and the
registry (:mod:`.registry`) names every format by module path.
"""
