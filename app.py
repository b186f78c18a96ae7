"""qda's browser app: `streamlit run app.py` (binds to localhost; see docs/app.md)."""

from qda.app.main import main

main()
