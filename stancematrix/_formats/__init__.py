"""The format modules (see :mod:`stancematrix._io.registry` for the registry)."""
