"""Models: scikit-learn estimators over the features, stored as JSON (never pickle)."""
