"""Senryoku (戦力診断) — entry point: routes the pages."""

import streamlit as st

st.set_page_config(page_title="戦力診断 Senryoku", layout="wide")
st.title("戦力診断 Senryoku")
st.write("準備中 / coming soon")
