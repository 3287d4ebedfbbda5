"""The rules module at the values mutation testing found unpinned."""
