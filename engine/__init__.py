"""Senryoku engine: lead-list profiling and diagnosis. Pure Python; never imports streamlit."""
