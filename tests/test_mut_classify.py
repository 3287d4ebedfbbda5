"""The classify module at the values mutation testing found unpinned."""
