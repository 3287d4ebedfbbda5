"""The companies module at the values mutation testing found unpinned."""
