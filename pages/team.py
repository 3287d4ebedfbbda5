"""Team diagnosis page (being built)."""

import streamlit as st

st.write("Team")
