"""The decide module at the values mutation testing found unpinned."""
