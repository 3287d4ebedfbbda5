"""The questionnaire module at the values mutation testing found unpinned."""
