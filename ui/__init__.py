"""Streamlit helpers shared by the pages (state, texts, components)."""
