"""The Streamlit app's pages, one module each, over the helpers in `common`."""
