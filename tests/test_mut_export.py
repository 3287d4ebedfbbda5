"""The export module at the values mutation testing found unpinned."""
