"""The plan module at the values mutation testing found unpinned."""
