"""The browser app (`streamlit run app.py`): a thin shell over `qda.Project` and the
analysis modules. `auth` and `render` hold what the app needs that is not Streamlit
(password hashes, escaped excerpts); `state` holds the caches; `pages/` one script per
page. See docs/app.md."""
